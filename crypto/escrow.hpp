#pragma once
// Re-identification escrow (issue 15): how a pseudonym can be turned back
// into the BSN under the guideline's control, without a BSN ever stored in
// clear. The key directory's reidentification.key (32 bytes) derives two
// subkeys with libsodium's KDF: a lookup key and a seal key. An escrow entry
// of a person is
//   lookup = keyed BLAKE2b-256 of the person's group element M under the lookup key
//   sealed = nonce || XChaCha20-Poly1305(BSN) under the seal key, lookup as associated data
// so the entry is found from any pseudonym of the person (every domain's
// pseudonym translates to the same M) and opens only at its own lookup.
// Destroying reidentification.key (`schakel keys shred --reidentification`)
// makes every entry unfindable and unreadable for good. Thread-safe
// (immutable after construction).
#include <array>
#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/secret.hpp"

namespace schakel::crypto {

inline constexpr std::size_t kReidentificationKeyBytes = 32;
using EscrowLookup = std::array<std::uint8_t, 32>;

struct EscrowEntry {
  EscrowLookup lookup{};
  std::vector<std::uint8_t> sealed;
  // Not kept: the pseudonymiser's cache key for "this person is escrowed"
  // (a keyed digest, no BSN), marked once the entry is durable.
  std::string cache_marker = {};
};

class EscrowKey {
 public:
  // `key`: the 32 bytes of reidentification.key; the subkeys are copied.
  explicit EscrowKey(const Secret& key);

  [[nodiscard]] EscrowLookup lookup_of(std::span<const std::uint8_t, 32> point) const;
  [[nodiscard]] std::vector<std::uint8_t> seal(std::string_view bsn,
                                               const EscrowLookup& lookup) const;
  // The BSN, or an error when the bytes were altered, belong to another
  // lookup or were sealed under another key.
  [[nodiscard]] std::expected<std::string, std::string> open(
      const std::vector<std::uint8_t>& sealed, const EscrowLookup& lookup) const;

 private:
  Secret lookup_key_{32};
  Secret seal_key_{32};
};

}  // namespace schakel::crypto
