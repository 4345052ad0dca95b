#include "crypto/pseudonymiser.hpp"

#include <sodium.h>

#include <algorithm>

#include "crypto/encoding.hpp"

namespace schakel::crypto {
namespace {

constexpr std::string_view kKeySetVersion = "v1";
constexpr std::string_view kSubjectLabel = "schakel/subject/v1:";

}  // namespace

Pseudonymiser::Pseudonymiser(const KeyStore& keys) {
  std::ranges::copy(keys.master().bytes(), master_.bytes().begin());
  std::array<std::uint8_t, 64> derived{};
  derive("schakel/audit-token/v1", derived);
  std::copy_n(derived.begin(), 32, audit_key_.bytes().begin());
  sodium_memzero(derived.data(), derived.size());
}

void Pseudonymiser::derive(std::string_view label, std::span<std::uint8_t, 64> out) const {
  crypto_auth_hmacsha512(out.data(), reinterpret_cast<const unsigned char*>(label.data()),
                         label.size(), master_.bytes().data());
}

const Pseudonymiser::DomainKeys& Pseudonymiser::domain_keys(std::string_view domain) const {
  std::lock_guard lock(mutex_);
  auto it = domains_.find(std::string(domain));
  if (it != domains_.end()) return *it->second;
  auto keys = std::make_unique<DomainKeys>();
  std::array<std::uint8_t, 64> derived{};
  const std::string base =
      "schakel/domain/" + std::string(kKeySetVersion) + "/" + std::string(domain);
  derive(base + "/subject", derived);
  crypto_core_ristretto255_scalar_reduce(keys->scalar.bytes().data(), derived.data());
  crypto_core_ristretto255_scalar_invert(keys->inverse.bytes().data(), keys->scalar.bytes().data());
  derive(base + "/field", derived);
  std::copy_n(derived.begin(), 32, keys->field_key.bytes().begin());
  sodium_memzero(derived.data(), derived.size());
  return *domains_.emplace(std::string(domain), std::move(keys)).first->second;
}

SubjectPoint Pseudonymiser::point_of_bsn(std::string_view bsn) const {
  std::array<std::uint8_t, crypto_hash_sha512_BYTES> digest{};
  crypto_hash_sha512_state state;
  crypto_hash_sha512_init(&state);
  crypto_hash_sha512_update(&state, reinterpret_cast<const unsigned char*>(kSubjectLabel.data()),
                            kSubjectLabel.size());
  crypto_hash_sha512_update(&state, reinterpret_cast<const unsigned char*>(bsn.data()), bsn.size());
  crypto_hash_sha512_final(&state, digest.data());
  SubjectPoint point;
  crypto_core_ristretto255_from_hash(point.bytes.data(), digest.data());
  sodium_memzero(digest.data(), digest.size());
  return point;
}

std::expected<SubjectPoint, std::string> Pseudonymiser::point_of_pseudonym(
    std::string_view pseudonym, std::string_view domain) const {
  const std::string prefix = std::string(kKeySetVersion) + ".";
  if (!pseudonym.starts_with(prefix)) return std::unexpected("unknown pseudonym version");
  auto bytes = from_base64url(pseudonym.substr(prefix.size()));
  if (!bytes || bytes->size() != crypto_core_ristretto255_BYTES ||
      crypto_core_ristretto255_is_valid_point(bytes->data()) != 1) {
    return std::unexpected("pseudonym is not a valid group element");
  }
  SubjectPoint point;
  if (crypto_scalarmult_ristretto255(point.bytes.data(), domain_keys(domain).inverse.bytes().data(),
                                     bytes->data()) != 0) {
    return std::unexpected("pseudonym is the identity element");
  }
  return point;
}

std::string Pseudonymiser::pseudonym(const SubjectPoint& subject, std::string_view domain) const {
  std::array<std::uint8_t, crypto_core_ristretto255_BYTES> out{};
  // Fails only for the identity element, which neither from_hash nor a
  // validated pseudonym times a non-zero scalar can produce.
  if (crypto_scalarmult_ristretto255(out.data(), domain_keys(domain).scalar.bytes().data(),
                                     subject.bytes.data()) != 0) {
    return {};
  }
  return std::string(kKeySetVersion) + "." + to_base64url(out);
}

std::string Pseudonymiser::audit_token(const SubjectPoint& subject) const {
  std::array<std::uint8_t, 16> out{};
  crypto_generichash(out.data(), out.size(), subject.bytes.data(), subject.bytes.size(),
                     audit_key_.bytes().data(), audit_key_.bytes().size());
  return "t1." + to_base64url(out);
}

std::string Pseudonymiser::field_pseudonym(std::string_view value, std::string_view domain) const {
  const auto& key = domain_keys(domain).field_key;
  std::array<std::uint8_t, 16> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(value.data()),
                     value.size(), key.bytes().data(), key.bytes().size());
  return "f1." + to_base64url(out);
}

}  // namespace schakel::crypto
