#pragma once
// Pseudonyms in the style of polymorphic pseudonymisation (PEP) on ristretto255.
//
// A BSN maps one-way to a group element M = from_hash(SHA-512(label || bsn)).
// The pseudonym of that person in domain D at key epoch e is P = s_{D,e} * M;
// s_{D,e} is HMAC-SHA-512 of the master secret under the label
// "schakel/domain/v<e>/<D>/subject", reduced to a scalar. A recipient that
// knows BSNs and its own pseudonyms cannot compute another domain's without
// s. The gateway translates without the BSN: M = s_{A,e}^-1 * P_A, then
// P_B = s_{B,e'} * M; a pseudonym of an older epoch still translates.
//
// A pseudonym is bound to its domain by a tag: its text is
// "v<e>." + base64url(P) + "." + base64url(T), T the first 12 bytes of keyed
// BLAKE2b-128 of P under t_{D,e}, the first 32 bytes of HMAC-SHA-512 of the
// master secret under "schakel/domain/v<e>/<D>/tag" (derived as the field
// keys are). Only the gateway can tag; a pseudonym is taken only in the domain
// and epoch it was issued in, the tag compared in constant time, so that a
// foreign, forged or mistyped one is refused (PseudonymError), never
// translated into somebody else. Every text has one spelling (no leading
// zeros, canonical base64url and point encoding).
//
// Migration window: a pseudonym issued before tagging ("v<e>." + base64url(P),
// any epoch up to the current one) is taken only while its domain's current
// epoch equals the domain's entry in epochs.json "untagged_window" (KeyStore;
// "*" for domains it does not name). A key directory from before tagging has
// no such entry, which reads as every domain's current epoch: every window
// open. `schakel keys rotate --domain D` closes D's for good (D moves past its
// entry), also in a running gateway that takes the rotation up; a new
// directory (`keys init`) has an empty window. While a window is open nothing
// binds an untagged point to its domain, so the gateway issues only tagged
// pseudonyms, and a region rotates once its partners hold those.
//
// Audit tokens are keyed BLAKE2b of M under the month's audit key
// ("t1.<month>.<b64>"): the trail links the same person however the sender
// named them, and shredding a month's key unlinks that month for good.
// Other identifier fields are keyed BLAKE2b per domain ("f1.").
//
// Transit domains ("transit:" + the peer gateway's federation public key,
// crypto/transit.hpp) are the exception to deriving from the master secret:
// their keys derive from the seed this gateway agrees with that peer, always
// at epoch 1 and always tagged (no migration window); a name whose key is
// malformed or unusable yields kUnknownDomain, never keys of another kind.
//
// An LRU cache keyed by a keyed digest of the identifier (under a random key
// of this process, never the BSN) holds finished pseudonyms and tokens, so a
// recurring person costs no group operation. Thread-safe.
#include <array>
#include <cstdint>
#include <expected>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/shared_snapshot.hpp"
#include "crypto/escrow.hpp"
#include "crypto/key_store.hpp"
#include "crypto/lru_cache.hpp"
#include "crypto/secret.hpp"

namespace schakel::crypto {

struct SubjectPoint {
  std::array<std::uint8_t, 32> bytes{};
};

inline constexpr std::size_t kPseudonymTagBytes = 12;
using PseudonymTag = std::array<std::uint8_t, kPseudonymTagBytes>;

// One person as one message names them: a BSN (already 11-checked) or a
// pseudonym of the sender's domain. Holds the identifier only for the
// message's lifetime (wiped on destruction) and computes M on first need.
class Subject {
 public:
  Subject(const Subject&) = delete;
  Subject& operator=(const Subject&) = delete;
  Subject(Subject&&) noexcept = default;
  Subject& operator=(Subject&&) noexcept = default;
  ~Subject();

 private:
  friend class Pseudonymiser;
  Subject() = default;
  std::string cache_key_;   // keyed digest of the identifier
  std::string identifier_;  // BSN, or empty once M is known from a pseudonym
  mutable std::optional<SubjectPoint> point_;
};

// Why a text is not a pseudonym of the domain it was presented in. Callers
// answer each the same way (unknown-pseudonym); describe() names the kind,
// never the text.
enum class PseudonymError {
  kMalformed,              // not "v<epoch>.<point>[.<tag>]" in canonical base64url
  kUnknownEpoch,           // epoch 0, or later than the domain's current epoch
  kTagMismatch,            // the tag is not this domain and epoch's tag of the point
  kUntaggedOutsideWindow,  // untagged, and the domain's migration window is closed
  kInvalidPoint,           // not a canonical, valid, non-identity group element
  kUnknownDomain,          // a transit domain without a usable peer key
};
[[nodiscard]] std::string_view describe(PseudonymError error);

struct PseudonymiserOptions {
  std::size_t cache_entries = 100'000;
};

class Pseudonymiser {
 public:
  // Not const: the pseudonymiser creates (writes) each new month's audit-token key in the ring.
  explicit Pseudonymiser(KeyStore& keys, PseudonymiserOptions options = {});

  [[nodiscard]] Subject subject_of_bsn(std::string_view bsn) const;
  // Parses and checks a pseudonym issued earlier in `domain` (any past epoch):
  // its tag must be `domain`'s, or it is untagged inside `domain`'s window.
  [[nodiscard]] std::expected<Subject, PseudonymError> subject_of_pseudonym(
      std::string_view pseudonym, std::string_view domain) const;
  // Whether `domain` still takes pseudonyms without a tag (its migration window is open).
  [[nodiscard]] bool accepts_untagged(std::string_view domain) const;

  // The pseudonym in `domain` at its current epoch, or at `epoch`. Fails
  // (kInvalidPoint) only if the group operation yields the identity element,
  // which no subject can: an error, never an empty pseudonym.
  [[nodiscard]] std::expected<std::string, PseudonymError> pseudonym(const Subject& subject,
                                                                     std::string_view domain) const;
  [[nodiscard]] std::expected<std::string, PseudonymError> pseudonym_at(const Subject& subject,
                                                                        std::string_view domain,
                                                                        std::uint32_t epoch) const;
  // The audit token under this month's key, created when the month is new;
  // nullopt when that key cannot be created.
  [[nodiscard]] std::optional<std::string> audit_token(const Subject& subject) const;
  // The token under `month`'s key; nullopt when that key was shredded.
  [[nodiscard]] std::optional<std::string> audit_token_in(const Subject& subject,
                                                          const std::string& month) const;
  // The person's token in every month whose key still exists (for an officer's query).
  [[nodiscard]] std::vector<std::string> audit_tokens(const Subject& subject) const;
  // The person's re-identification escrow entry (escrow.hpp) when `subject`
  // was named by BSN and the cache does not remember it as kept; nullopt
  // otherwise. The caller marks it kept (escrowed) once it is durable, so a
  // recurring person costs nothing and a lost entry is made again.
  [[nodiscard]] std::optional<EscrowEntry> escrow_entry(const Subject& subject,
                                                        const EscrowKey& key) const;
  void escrowed(const EscrowEntry& entry) const;
  // Where the person's escrow entry is found, whichever way they were named.
  [[nodiscard]] EscrowLookup escrow_lookup(const Subject& subject, const EscrowKey& key) const;
  [[nodiscard]] std::expected<std::string, PseudonymError> field_pseudonym(
      std::string_view value, std::string_view domain) const;

  [[nodiscard]] std::uint32_t epoch(std::string_view domain) const;
  // Takes up key epochs rotated since start (`schakel keys rotate`), atomically.
  void set_epochs(const std::map<std::string, std::uint32_t>& epochs);
  [[nodiscard]] std::uint64_t cache_hits() const { return cache_.hits(); }
  [[nodiscard]] std::uint64_t cache_misses() const { return cache_.misses(); }

 private:
  struct DomainKeys {
    Secret scalar{32};
    Secret inverse{32};
    Secret field_key{32};
    Secret tag_key{32};
  };
  // nullptr: a transit domain without a usable peer key.
  const DomainKeys* domain_keys(std::string_view domain, std::uint32_t epoch) const;
  [[nodiscard]] std::unique_ptr<DomainKeys> derive_keys(std::string_view domain,
                                                        std::uint32_t epoch) const;
  const SubjectPoint& point(const Subject& subject) const;
  PseudonymTag tag_of(const DomainKeys& keys, std::span<const std::uint8_t, 32> point) const;
  std::string digest(std::string_view kind, std::string_view value) const;

  Secret master_{kMasterKeyBytes};
  Secret federation_{kFederationKeyBytes};  // agrees transit seeds with peers
  Secret cache_key_{32};
  using EpochMap = std::map<std::string, std::uint32_t, std::less<>>;
  SharedSnapshot<const EpochMap> epochs_;
  const EpochMap untagged_window_;  // as loaded; a rotation taken up later closes a window
  std::shared_ptr<AuditKeyRing> audit_keys_;  // shared: a new month's key is created in it
  mutable std::mutex mutex_;
  mutable std::unordered_map<std::string, std::unique_ptr<DomainKeys>> domains_;
  mutable LruCache<std::string> cache_;
};

}  // namespace schakel::crypto
