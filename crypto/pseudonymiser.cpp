#include "crypto/pseudonymiser.hpp"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <chrono>

#include "crypto/encoding.hpp"

namespace schakel::crypto {
namespace {

constexpr std::string_view kSubjectLabel = "schakel/subject/v1:";

std::string epoch_prefix(std::uint32_t epoch) {
  return "v" + std::to_string(epoch) + ".";
}

// "YYYY-MM" now, formatted once a day per thread.
const std::string& current_month() {
  thread_local std::chrono::sys_days day{};
  thread_local std::string month;
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  if (today != day || month.empty()) {
    day = today;
    month = month_of(today);
  }
  return month;
}

}  // namespace

Subject::~Subject() {
  if (!identifier_.empty()) sodium_memzero(identifier_.data(), identifier_.size());
}

Pseudonymiser::Pseudonymiser(const KeyStore& keys, PseudonymiserOptions options)
    : epochs_(std::make_shared<const EpochMap>(keys.epochs().begin(), keys.epochs().end())),
      audit_keys_(keys.audit_key_ring()),
      cache_(options.cache_entries) {
  std::ranges::copy(keys.master().bytes(), master_.bytes().begin());
  randombytes_buf(cache_key_.bytes().data(), cache_key_.bytes().size());
}

void Pseudonymiser::derive(std::string_view label, std::span<std::uint8_t, 64> out) const {
  crypto_auth_hmacsha512(out.data(), reinterpret_cast<const unsigned char*>(label.data()),
                         label.size(), master_.bytes().data());
}

std::uint32_t Pseudonymiser::epoch(std::string_view domain) const {
  const auto epochs = epochs_.load();
  auto it = epochs->find(domain);
  return it == epochs->end() ? 1 : it->second;
}

void Pseudonymiser::set_epochs(const std::map<std::string, std::uint32_t>& epochs) {
  epochs_.store(std::make_shared<const EpochMap>(epochs.begin(), epochs.end()));
}

const Pseudonymiser::DomainKeys& Pseudonymiser::domain_keys(std::string_view domain,
                                                            std::uint32_t epoch) const {
  std::string name = std::string(domain) + "#" + std::to_string(epoch);
  std::lock_guard lock(mutex_);
  if (auto it = domains_.find(name); it != domains_.end()) return *it->second;
  auto keys = std::make_unique<DomainKeys>();
  std::array<std::uint8_t, 64> derived{};
  // Epoch 1 keeps the label of the first key set, so its pseudonyms never change.
  const std::string base = "schakel/domain/v" + std::to_string(epoch) + "/" + std::string(domain);
  derive(base + "/subject", derived);
  crypto_core_ristretto255_scalar_reduce(keys->scalar.bytes().data(), derived.data());
  crypto_core_ristretto255_scalar_invert(keys->inverse.bytes().data(), keys->scalar.bytes().data());
  derive(base + "/field", derived);
  std::copy_n(derived.begin(), 32, keys->field_key.bytes().begin());
  sodium_memzero(derived.data(), derived.size());
  return *domains_.emplace(std::move(name), std::move(keys)).first->second;
}

// SipHash-2-4 with a 128-bit output under a random key of this process: a
// cache key only (collisions are negligible at 2^-128; no one can aim for one).
std::string Pseudonymiser::digest(std::string_view kind, std::string_view value) const {
  std::string input;
  input.reserve(kind.size() + value.size());
  input.append(kind).append(value);
  std::array<std::uint8_t, crypto_shorthash_siphashx24_BYTES> out{};
  crypto_shorthash_siphashx24(out.data(), reinterpret_cast<const unsigned char*>(input.data()),
                              input.size(), cache_key_.bytes().data());
  sodium_memzero(input.data(), input.size());
  return std::string(out.begin(), out.end());
}

Subject Pseudonymiser::subject_of_bsn(std::string_view bsn) const {
  Subject subject;
  subject.cache_key_ = digest("bsn:", bsn);
  subject.identifier_ = std::string(bsn);
  return subject;
}

std::expected<Subject, std::string> Pseudonymiser::subject_of_pseudonym(
    std::string_view pseudonym, std::string_view domain) const {
  const auto dot = pseudonym.find('.');
  std::uint32_t version = 0;
  if (!pseudonym.starts_with('v') || dot == std::string_view::npos ||
      std::from_chars(pseudonym.data() + 1, pseudonym.data() + dot, version).ptr !=
          pseudonym.data() + dot ||
      version < 1 || version > epoch(domain)) {
    return std::unexpected("unknown pseudonym version");
  }
  auto bytes = from_base64url(pseudonym.substr(dot + 1));
  if (!bytes || bytes->size() != crypto_core_ristretto255_BYTES ||
      crypto_core_ristretto255_is_valid_point(bytes->data()) != 1) {
    return std::unexpected("pseudonym is not a valid group element");
  }
  Subject subject;
  SubjectPoint point;
  if (crypto_scalarmult_ristretto255(point.bytes.data(),
                                     domain_keys(domain, version).inverse.bytes().data(),
                                     bytes->data()) != 0) {
    return std::unexpected("pseudonym is the identity element");
  }
  // Keyed by the group element, so a person named by BSN in one message and
  // by pseudonym in the next shares cache entries only through M itself.
  subject.cache_key_ = digest("point:", {reinterpret_cast<const char*>(point.bytes.data()), 32});
  subject.point_ = point;
  return subject;
}

const SubjectPoint& Pseudonymiser::point(const Subject& subject) const {
  if (subject.point_) return *subject.point_;
  std::array<std::uint8_t, crypto_hash_sha512_BYTES> hash{};
  crypto_hash_sha512_state state;
  crypto_hash_sha512_init(&state);
  crypto_hash_sha512_update(&state, reinterpret_cast<const unsigned char*>(kSubjectLabel.data()),
                            kSubjectLabel.size());
  crypto_hash_sha512_update(&state,
                            reinterpret_cast<const unsigned char*>(subject.identifier_.data()),
                            subject.identifier_.size());
  crypto_hash_sha512_final(&state, hash.data());
  SubjectPoint point;
  crypto_core_ristretto255_from_hash(point.bytes.data(), hash.data());
  sodium_memzero(hash.data(), hash.size());
  subject.point_ = point;
  return *subject.point_;
}

std::string Pseudonymiser::pseudonym(const Subject& subject, std::string_view domain) const {
  return pseudonym_at(subject, domain, epoch(domain));
}

std::string Pseudonymiser::pseudonym_at(const Subject& subject, std::string_view domain,
                                        std::uint32_t epoch) const {
  const std::string key =
      subject.cache_key_ + "p" + std::string(domain) + "#" + std::to_string(epoch);
  if (auto cached = cache_.find(key)) return *cached;
  std::array<std::uint8_t, crypto_core_ristretto255_BYTES> out{};
  // Fails only for the identity element, which neither from_hash nor a
  // validated pseudonym times a non-zero scalar can produce.
  if (crypto_scalarmult_ristretto255(out.data(), domain_keys(domain, epoch).scalar.bytes().data(),
                                     point(subject).bytes.data()) != 0) {
    return {};
  }
  std::string text = epoch_prefix(epoch) + to_base64url(out);
  cache_.insert(key, text);
  return text;
}

std::optional<std::string> Pseudonymiser::audit_token(const Subject& subject) const {
  const std::string& month = current_month();
  if (auto token = audit_token_in(subject, month)) return token;
  if (audit_keys_->key_for(month, true) == nullptr) return std::nullopt;  // a new month
  return audit_token_in(subject, month);
}

std::optional<std::string> Pseudonymiser::audit_token_in(const Subject& subject,
                                                         const std::string& month) const {
  // The ring decides first: a shredded month answers nothing, cached or not.
  const Secret* audit_key = audit_keys_->key_for(month, false);
  if (audit_key == nullptr) return std::nullopt;
  const std::string key = subject.cache_key_ + "t" + month;
  if (auto cached = cache_.find(key)) return *cached;
  std::array<std::uint8_t, 16> out{};
  const auto& m = point(subject);
  crypto_generichash(out.data(), out.size(), m.bytes.data(), m.bytes.size(),
                     audit_key->bytes().data(), audit_key->bytes().size());
  std::string token = "t1." + month + "." + to_base64url(out);
  cache_.insert(key, token);
  return token;
}

std::vector<std::string> Pseudonymiser::audit_tokens(const Subject& subject) const {
  std::vector<std::string> tokens;
  for (const auto& month : audit_keys_->months()) {
    if (auto token = audit_token_in(subject, month)) tokens.push_back(*token);
  }
  return tokens;
}

std::string Pseudonymiser::field_pseudonym(std::string_view value, std::string_view domain) const {
  const auto& key = domain_keys(domain, epoch(domain)).field_key;
  std::array<std::uint8_t, 16> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(value.data()),
                     value.size(), key.bytes().data(), key.bytes().size());
  return "f1." + to_base64url(out);
}

}  // namespace schakel::crypto
