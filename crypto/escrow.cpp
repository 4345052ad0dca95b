#include "crypto/escrow.hpp"

#include <sodium.h>

#include "crypto/aead.hpp"

namespace schakel::crypto {
namespace {

constexpr char kContext[crypto_kdf_CONTEXTBYTES] = {'s', 'c', 'h', 'k', 'r', 'e', 'i', 'd'};
constexpr std::uint64_t kLookupSubkey = 1;
constexpr std::uint64_t kSealSubkey = 2;

}  // namespace

EscrowKey::EscrowKey(const Secret& key) {
  crypto_kdf_derive_from_key(lookup_key_.bytes().data(), lookup_key_.bytes().size(), kLookupSubkey,
                             kContext, key.bytes().data());
  crypto_kdf_derive_from_key(seal_key_.bytes().data(), seal_key_.bytes().size(), kSealSubkey,
                             kContext, key.bytes().data());
}

EscrowLookup EscrowKey::lookup_of(std::span<const std::uint8_t, 32> point) const {
  EscrowLookup out{};
  crypto_generichash(out.data(), out.size(), point.data(), point.size(), lookup_key_.bytes().data(),
                     lookup_key_.bytes().size());
  return out;
}

std::vector<std::uint8_t> EscrowKey::seal(std::string_view bsn, const EscrowLookup& lookup) const {
  return aead_seal(seal_key_.bytes(), bsn, lookup);
}

std::expected<std::string, std::string> EscrowKey::open(const std::vector<std::uint8_t>& sealed,
                                                        const EscrowLookup& lookup) const {
  return aead_open(seal_key_.bytes(), sealed, lookup, "an escrow entry");
}

}  // namespace schakel::crypto
