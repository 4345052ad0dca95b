#include "crypto/pseudonymiser.hpp"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <chrono>

#include "common/calendar.hpp"
#include "crypto/encoding.hpp"
#include "crypto/transit.hpp"

namespace schakel::crypto {
namespace {

constexpr std::string_view kSubjectLabel = "schakel/subject/v1:";

std::string epoch_prefix(std::uint32_t epoch) {
  return "v" + std::to_string(epoch) + ".";
}

// A pseudonym's text, decoded: "v<epoch>.<point>" or "v<epoch>.<point>.<tag>".
struct PseudonymText {
  std::uint32_t epoch = 0;
  std::array<std::uint8_t, crypto_core_ristretto255_BYTES> point{};
  std::optional<PseudonymTag> tag;
};

// The bytes of unpadded base64url `text` (one spelling per value), if there are kBytes of them.
template <std::size_t kBytes>
std::optional<std::array<std::uint8_t, kBytes>> decode_exactly(std::string_view text) {
  auto bytes = from_base64url(text);
  if (!bytes || bytes->size() != kBytes) return std::nullopt;
  std::array<std::uint8_t, kBytes> out{};
  std::ranges::copy(*bytes, out.begin());
  return out;
}

// Decodes `text` if it is spelled as the gateway writes it: the epoch in
// decimal without leading zeros, point and tag in unpadded base64url.
std::expected<PseudonymText, PseudonymError> parse_pseudonym(std::string_view text) {
  const auto malformed = std::unexpected(PseudonymError::kMalformed);
  const auto first_dot = text.find('.');
  if (!text.starts_with('v') || first_dot == std::string_view::npos || first_dot < 2 ||
      (text[1] == '0' && first_dot > 2)) {
    return malformed;
  }
  PseudonymText out;
  const char* digits_end = text.data() + first_dot;
  const auto [end, error] = std::from_chars(text.data() + 1, digits_end, out.epoch);
  if (end != digits_end || error != std::errc{}) return malformed;
  const std::string_view rest = text.substr(first_dot + 1);
  const auto second_dot = rest.find('.');
  auto point = decode_exactly<crypto_core_ristretto255_BYTES>(rest.substr(0, second_dot));
  if (!point) return malformed;
  out.point = *point;
  if (second_dot == std::string_view::npos) return out;
  out.tag = decode_exactly<kPseudonymTagBytes>(rest.substr(second_dot + 1));
  if (!out.tag) return malformed;
  return out;
}

// "YYYY-MM" now, formatted once a day per thread.
const std::string& current_month() {
  thread_local std::chrono::sys_days day{};
  thread_local std::string month;
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  if (today != day || month.empty()) {
    day = today;
    month = calendar::format_month(calendar::Date{today});
  }
  return month;
}

}  // namespace

Subject::~Subject() {
  if (!identifier_.empty()) sodium_memzero(identifier_.data(), identifier_.size());
}

Pseudonymiser::Pseudonymiser(KeyStore& keys, PseudonymiserOptions options)
    : epochs_(std::make_shared<const EpochMap>(keys.epochs().begin(), keys.epochs().end())),
      untagged_window_(keys.untagged_window().begin(), keys.untagged_window().end()),
      audit_keys_(keys.audit_key_ring()),
      cache_(options.cache_entries) {
  std::ranges::copy(keys.master().bytes(), master_.bytes().begin());
  std::ranges::copy(keys.federation_key().bytes(), federation_.bytes().begin());
  randombytes_buf(cache_key_.bytes().data(), cache_key_.bytes().size());
}

std::uint32_t Pseudonymiser::epoch(std::string_view domain) const {
  if (is_transit_domain(domain)) return 1;  // agreed with a peer: never rotated alone
  const auto epochs = epochs_.load();
  auto it = epochs->find(domain);
  return it == epochs->end() ? 1 : it->second;
}

void Pseudonymiser::set_epochs(const std::map<std::string, std::uint32_t>& epochs) {
  epochs_.store(std::make_shared<const EpochMap>(epochs.begin(), epochs.end()));
}

// The keys of `domain` at `epoch`: HMAC-SHA-512 under the master secret, or
// under the transit seed for a transit domain (crypto/transit.hpp).
std::unique_ptr<Pseudonymiser::DomainKeys> Pseudonymiser::derive_keys(std::string_view domain,
                                                                      std::uint32_t epoch) const {
  std::optional<Secret> seed;
  std::string base;
  if (is_transit_domain(domain)) {
    const auto peer = transit_peer(domain);
    if (peer) seed = transit_seed(federation_, *peer);
    if (!seed) return nullptr;
    base = "schakel/transit/v" + std::to_string(epoch);
  } else {
    // Epoch 1 keeps the label of the first key set, so its pseudonyms never change.
    base = "schakel/domain/v" + std::to_string(epoch) + "/" + std::string(domain);
  }
  const Secret& key = seed ? *seed : master_;
  const auto derive = [&key](const std::string& label, std::span<std::uint8_t, 64> out) {
    crypto_auth_hmacsha512(out.data(), reinterpret_cast<const unsigned char*>(label.data()),
                           label.size(), key.bytes().data());
  };
  auto keys = std::make_unique<DomainKeys>();
  std::array<std::uint8_t, 64> derived{};
  derive(base + "/subject", derived);
  crypto_core_ristretto255_scalar_reduce(keys->scalar.bytes().data(), derived.data());
  crypto_core_ristretto255_scalar_invert(keys->inverse.bytes().data(), keys->scalar.bytes().data());
  derive(base + "/field", derived);
  std::copy_n(derived.begin(), 32, keys->field_key.bytes().begin());
  derive(base + "/tag", derived);
  std::copy_n(derived.begin(), 32, keys->tag_key.bytes().begin());
  sodium_memzero(derived.data(), derived.size());
  return keys;
}

const Pseudonymiser::DomainKeys* Pseudonymiser::domain_keys(std::string_view domain,
                                                            std::uint32_t epoch) const {
  std::string name = std::string(domain) + "#" + std::to_string(epoch);
  std::lock_guard lock(mutex_);
  if (auto it = domains_.find(name); it != domains_.end()) return it->second.get();
  auto keys = derive_keys(domain, epoch);
  if (!keys) return nullptr;
  return domains_.emplace(std::move(name), std::move(keys)).first->second.get();
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

std::string_view describe(PseudonymError error) {
  switch (error) {
    case PseudonymError::kMalformed:
      return "not of the form v<epoch>.<point>.<tag>";
    case PseudonymError::kUnknownEpoch:
      return "no such key epoch in this domain";
    case PseudonymError::kTagMismatch:
      return "its tag is not this domain's";
    case PseudonymError::kUntaggedOutsideWindow:
      return "untagged, and this domain no longer takes untagged pseudonyms";
    case PseudonymError::kInvalidPoint:
      return "not a valid group element";
    case PseudonymError::kUnknownDomain:
      return "no keys for this domain: a peer's transit key is unusable";
  }
  return "unknown";
}

bool Pseudonymiser::accepts_untagged(std::string_view domain) const {
  if (is_transit_domain(domain)) return false;  // tagged from the first
  auto entry = untagged_window_.find(domain);
  if (entry == untagged_window_.end()) entry = untagged_window_.find(kEveryOtherDomain);
  return entry != untagged_window_.end() && entry->second == epoch(domain);
}

// T: keyed BLAKE2b-128 of P under the domain epoch's tag key, cut to 12 bytes.
PseudonymTag Pseudonymiser::tag_of(const DomainKeys& keys,
                                   std::span<const std::uint8_t, 32> point) const {
  std::array<std::uint8_t, crypto_generichash_BYTES_MIN> full{};
  crypto_generichash(full.data(), full.size(), point.data(), point.size(),
                     keys.tag_key.bytes().data(), keys.tag_key.bytes().size());
  PseudonymTag tag{};
  std::copy_n(full.begin(), tag.size(), tag.begin());
  return tag;
}

std::expected<Subject, PseudonymError> Pseudonymiser::subject_of_pseudonym(
    std::string_view pseudonym, std::string_view domain) const {
  auto text = parse_pseudonym(pseudonym);
  if (!text) return std::unexpected(text.error());
  if (text->epoch < 1 || text->epoch > epoch(domain)) {
    return std::unexpected(PseudonymError::kUnknownEpoch);
  }
  if (!text->tag && !accepts_untagged(domain)) {
    return std::unexpected(PseudonymError::kUntaggedOutsideWindow);
  }
  const DomainKeys* keys = domain_keys(domain, text->epoch);
  if (keys == nullptr) return std::unexpected(PseudonymError::kUnknownDomain);
  if (text->tag) {
    const PseudonymTag expected = tag_of(*keys, text->point);
    if (sodium_memcmp(expected.data(), text->tag->data(), expected.size()) != 0) {
      return std::unexpected(PseudonymError::kTagMismatch);
    }
  }
  // libsodium 1.0.18 ignores the encoding's top bit (RFC 9496 §4.3.1: a value
  // >= p is no encoding): refused here, so that a person has one pseudonym text.
  if ((text->point[31] & 0x80) != 0 ||
      crypto_core_ristretto255_is_valid_point(text->point.data()) != 1) {
    return std::unexpected(PseudonymError::kInvalidPoint);
  }
  Subject subject;
  SubjectPoint point;
  if (crypto_scalarmult_ristretto255(point.bytes.data(), keys->inverse.bytes().data(),
                                     text->point.data()) != 0) {
    return std::unexpected(PseudonymError::kInvalidPoint);
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

std::expected<std::string, PseudonymError> Pseudonymiser::pseudonym(const Subject& subject,
                                                                    std::string_view domain) const {
  return pseudonym_at(subject, domain, epoch(domain));
}

std::expected<std::string, PseudonymError> Pseudonymiser::pseudonym_at(const Subject& subject,
                                                                       std::string_view domain,
                                                                       std::uint32_t epoch) const {
  const std::string key =
      subject.cache_key_ + "p" + std::string(domain) + "#" + std::to_string(epoch);
  if (auto cached = cache_.find(key)) return *cached;
  std::array<std::uint8_t, crypto_core_ristretto255_BYTES> out{};
  const DomainKeys* keys = domain_keys(domain, epoch);
  if (keys == nullptr) return std::unexpected(PseudonymError::kUnknownDomain);
  // Fails only for the identity element, which neither from_hash nor a
  // validated pseudonym times a non-zero scalar can produce.
  if (crypto_scalarmult_ristretto255(out.data(), keys->scalar.bytes().data(),
                                     point(subject).bytes.data()) != 0) {
    return std::unexpected(PseudonymError::kInvalidPoint);
  }
  std::string text =
      epoch_prefix(epoch) + to_base64url(out) + "." + to_base64url(tag_of(*keys, out));
  cache_.insert(key, text);
  return text;
}

std::optional<std::string> Pseudonymiser::audit_token(const Subject& subject) const {
  const std::string& month = current_month();
  if (auto token = audit_token_in(subject, month)) return token;
  if (!audit_keys_->get_or_create(month)) return std::nullopt;  // a new month, not writable
  return audit_token_in(subject, month);
}

std::optional<std::string> Pseudonymiser::audit_token_in(const Subject& subject,
                                                         const std::string& month) const {
  // The ring decides first: a shredded month answers nothing, cached or not.
  const Secret* audit_key = audit_keys_->find(month);
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

std::optional<EscrowEntry> Pseudonymiser::escrow_entry(const Subject& subject,
                                                       const EscrowKey& key) const {
  if (subject.identifier_.empty()) return std::nullopt;  // named by pseudonym: no BSN here
  const std::string cached = subject.cache_key_ + "e";
  if (cache_.find(cached)) return std::nullopt;
  EscrowEntry entry;
  entry.lookup = escrow_lookup(subject, key);
  entry.sealed = key.seal(subject.identifier_, entry.lookup);
  entry.cache_marker = cached;
  return entry;
}

void Pseudonymiser::escrowed(const EscrowEntry& entry) const {
  if (!entry.cache_marker.empty()) cache_.insert(entry.cache_marker, std::string());
}

EscrowLookup Pseudonymiser::escrow_lookup(const Subject& subject, const EscrowKey& key) const {
  return key.lookup_of(point(subject).bytes);
}

std::vector<std::string> Pseudonymiser::audit_tokens(const Subject& subject) const {
  std::vector<std::string> tokens;
  for (const auto& month : audit_keys_->months()) {
    if (auto token = audit_token_in(subject, month)) tokens.push_back(*token);
  }
  return tokens;
}

std::expected<std::string, PseudonymError> Pseudonymiser::field_pseudonym(
    std::string_view value, std::string_view domain) const {
  const DomainKeys* keys = domain_keys(domain, epoch(domain));
  if (keys == nullptr) return std::unexpected(PseudonymError::kUnknownDomain);
  const auto& key = keys->field_key;
  std::array<std::uint8_t, 16> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(value.data()),
                     value.size(), key.bytes().data(), key.bytes().size());
  return "f1." + to_base64url(out);
}

}  // namespace schakel::crypto
