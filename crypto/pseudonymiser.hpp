#pragma once
// Pseudonyms in the style of polymorphic pseudonymisation (PEP) on ristretto255.
//
// A BSN maps one-way to a group element M = from_hash(SHA-512(label || bsn)).
// The pseudonym of that person in domain D is P_D = s_D * M, where the scalar
// s_D is derived from the master secret per (domain, key-set version). A
// recipient that knows BSNs and its own pseudonyms cannot compute another
// domain's pseudonyms without s_D. The gateway translates a pseudonym between
// domains without the BSN: M = s_A^-1 * P_A, P_B = s_B * M.
//
// Audit tokens are a keyed hash of M under the audit key, so the trail links
// the same person however the sender named them, and holds no BSN.
// Other identifier fields are pseudonymised with keyed BLAKE2b per domain.
// Thread-safe; derived keys live in Secret memory.
#include <array>
#include <cstdint>
#include <expected>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "crypto/key_store.hpp"
#include "crypto/secret.hpp"

namespace schakel::crypto {

struct SubjectPoint {
  std::array<std::uint8_t, 32> bytes{};
};

class Pseudonymiser {
 public:
  explicit Pseudonymiser(const KeyStore& keys);

  // `bsn` must already have passed the 11-check.
  [[nodiscard]] SubjectPoint point_of_bsn(std::string_view bsn) const;
  // Parses a pseudonym issued earlier in `domain`; fails on a foreign version or a bad point.
  [[nodiscard]] std::expected<SubjectPoint, std::string> point_of_pseudonym(
      std::string_view pseudonym, std::string_view domain) const;
  [[nodiscard]] std::string pseudonym(const SubjectPoint& subject, std::string_view domain) const;
  [[nodiscard]] std::string audit_token(const SubjectPoint& subject) const;
  [[nodiscard]] std::string field_pseudonym(std::string_view value, std::string_view domain) const;

 private:
  struct DomainKeys {
    Secret scalar{32};
    Secret inverse{32};
    Secret field_key{32};
  };
  const DomainKeys& domain_keys(std::string_view domain) const;
  void derive(std::string_view label, std::span<std::uint8_t, 64> out) const;

  Secret master_{kMasterKeyBytes};
  Secret audit_key_{32};
  mutable std::mutex mutex_;
  mutable std::unordered_map<std::string, std::unique_ptr<DomainKeys>> domains_;
};

}  // namespace schakel::crypto
