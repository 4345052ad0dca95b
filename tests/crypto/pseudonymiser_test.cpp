#include "crypto/pseudonymiser.hpp"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <fstream>
#include <random>

#include <re2/re2.h>
#include <nlohmann/json.hpp>

#include "crypto/encoding.hpp"
#include "crypto/key_files.hpp"
#include "tests/support/paths.hpp"

namespace schakel::crypto {

// Failure messages name the kind of refusal.
void PrintTo(PseudonymError error, std::ostream* out) {
  *out << describe(error);
}

namespace {

// "v<e>.<point>.<tag>" cut at its dots.
std::vector<std::string> parts_of(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t dot = text.find('.'); dot != std::string::npos; dot = text.find('.', start)) {
    parts.push_back(text.substr(start, dot - start));
    start = dot + 1;
  }
  parts.push_back(text.substr(start));
  return parts;
}

// The form of a pseudonym before tagging: "v<e>.<point>".
std::string untagged(const std::string& text) {
  return text.substr(0, text.rfind('.'));
}

class PseudonymiserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(KeyStore::init(keys_dir()));
    reload();
  }
  void reload() {
    pseudonymiser_.reset();
    auto keys = KeyStore::load(keys_dir());
    ASSERT_TRUE(keys.has_value()) << keys.error();
    keys_.emplace(std::move(*keys));
    pseudonymiser_.emplace(*keys_);
  }
  [[nodiscard]] std::filesystem::path keys_dir() const { return dir_.path() / "keys"; }
  std::string at(std::string_view bsn, std::string_view domain) {
    return pseudonymiser_->pseudonym(pseudonymiser_->subject_of_bsn(bsn), domain).value();
  }
  // The key directory as a version before tagging left it: epochs.json
  // without "untagged_window" (or none at all), so every domain's window is open.
  void make_key_directory_from_before_tagging(const std::string& epochs_json) {
    std::filesystem::remove(keys_dir() / "epochs.json");
    if (!epochs_json.empty()) {
      ASSERT_TRUE(replace_owner_only_file(keys_dir() / "epochs.json", epochs_json));
    }
    reload();
  }
  // Whether `text` names a person in `domain`; the error when it does not.
  std::optional<PseudonymError> refusal(const std::string& text, std::string_view domain) {
    auto named = pseudonymiser_->subject_of_pseudonym(text, domain);
    if (named) return std::nullopt;
    return named.error();
  }

  testing::TempDir dir_;
  std::optional<KeyStore> keys_;
  std::optional<Pseudonymiser> pseudonymiser_;
};

TEST_F(PseudonymiserTest, SamePersonSameDomainSamePseudonym) {
  EXPECT_EQ(at("999990019", "ggz"), at("999990019", "ggz"));
  EXPECT_NE(at("999990019", "ggz"), at("111222333", "ggz"));
  EXPECT_TRUE(at("999990019", "ggz").starts_with("v1."));
}

TEST_F(PseudonymiserTest, DomainsSeeUnlinkablePseudonyms) {
  EXPECT_NE(at("999990019", "ggz"), at("999990019", "gemeente"));
}

TEST_F(PseudonymiserTest, TranslationEqualsDirectDerivation) {
  const auto& p = *pseudonymiser_;
  auto named = p.subject_of_pseudonym(at("999990019", "ggz"), "ggz");
  ASSERT_TRUE(named.has_value()) << describe(named.error());
  EXPECT_EQ(p.pseudonym(*named, "zvh").value(), at("999990019", "zvh"));
  EXPECT_EQ(p.audit_token(*named), p.audit_token(p.subject_of_bsn("999990019")));
}

TEST_F(PseudonymiserTest, CachedAndColdResultsAgree) {
  PseudonymiserOptions uncached;
  uncached.cache_entries = 0;
  Pseudonymiser cold(*keys_, uncached);
  const auto& hot = *pseudonymiser_;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(hot.pseudonym(hot.subject_of_bsn("999990019"), "ggz").value(),
              cold.pseudonym(cold.subject_of_bsn("999990019"), "ggz").value());
  }
  EXPECT_EQ(hot.cache_misses(), 1u);
  EXPECT_EQ(hot.cache_hits(), 2u);
  EXPECT_EQ(cold.cache_hits(), 0u);
}

TEST_F(PseudonymiserTest, RotationKeepsLinkageOnlyThroughTheGateway) {
  const auto before = at("999990019", "ggz");
  auto epoch = KeyStore::rotate(keys_dir(), "ggz");
  ASSERT_TRUE(epoch.has_value()) << epoch.error();
  EXPECT_EQ(*epoch, 2u);
  reload();
  const auto after = at("999990019", "ggz");
  EXPECT_TRUE(after.starts_with("v2.")) << after;
  EXPECT_NE(before, after) << "a new epoch gives new pseudonyms";
  EXPECT_EQ(at("999990019", "gemeente").substr(0, 3), "v1.") << "other domains keep their epoch";
  auto old_named = pseudonymiser_->subject_of_pseudonym(before, "ggz");
  ASSERT_TRUE(old_named.has_value()) << "an old-epoch pseudonym still translates";
  EXPECT_EQ(pseudonymiser_->pseudonym(*old_named, "ggz").value(), after);
  EXPECT_EQ(refusal("v3." + after.substr(3), "ggz"), PseudonymError::kUnknownEpoch)
      << "a future epoch is unknown";
  EXPECT_EQ(refusal("v2." + before.substr(3), "ggz"), PseudonymError::kTagMismatch)
      << "epoch 1's tag does not fit epoch 2";
}

TEST_F(PseudonymiserTest, RecipientCannotDeriveAnotherDomainsPseudonym) {
  // Domain A knows the BSN, the public M and its own pseudonym s_A*M; none of
  // what it can compute from those equals the pseudonym in domain B.
  const auto pseudonym_a = at("999990019", "ggz");
  const auto pseudonym_b = at("999990019", "gemeente");
  auto p_a = from_base64url(parts_of(pseudonym_a).at(1));
  ASSERT_TRUE(p_a && p_a->size() == 32);
  std::array<std::uint8_t, 64> hash{};
  const std::string input = "schakel/subject/v1:999990019";
  crypto_hash_sha512(hash.data(), reinterpret_cast<const unsigned char*>(input.data()),
                     input.size());
  std::array<std::uint8_t, 32> m{}, doubled{}, sum{};
  crypto_core_ristretto255_from_hash(m.data(), hash.data());
  crypto_core_ristretto255_add(doubled.data(), p_a->data(), p_a->data());
  crypto_core_ristretto255_add(sum.data(), p_a->data(), m.data());
  for (const auto& guess : {m, doubled, sum}) {
    EXPECT_NE("v1." + to_base64url(guess), untagged(pseudonym_b));
  }
  EXPECT_NE("v1." + to_base64url(*p_a), untagged(pseudonym_b));
}

TEST_F(PseudonymiserTest, AnotherMasterKeyGivesOtherPseudonyms) {
  testing::TempDir other_dir;
  ASSERT_TRUE(KeyStore::init(other_dir.path() / "keys"));
  auto other_keys = KeyStore::load(other_dir.path() / "keys");
  Pseudonymiser other(*other_keys);
  EXPECT_NE(at("999990019", "ggz"),
            other.pseudonym(other.subject_of_bsn("999990019"), "ggz").value());
}

TEST_F(PseudonymiserTest, RefusesForeignOrDamagedPseudonyms) {
  const auto& p = *pseudonymiser_;
  EXPECT_FALSE(p.subject_of_pseudonym("v2.AAAA", "ggz").has_value());
  EXPECT_FALSE(p.subject_of_pseudonym("x1.AAAA", "ggz").has_value());
  EXPECT_FALSE(p.subject_of_pseudonym("v1.not-base64!", "ggz").has_value());
  EXPECT_FALSE(p.subject_of_pseudonym("v1." + std::string(43, 'A'), "ggz").has_value())
      << "the identity element";
  EXPECT_FALSE(
      p.subject_of_pseudonym("v1." + std::string(43, 'A') + "." + std::string(16, 'A'), "ggz")
          .has_value());
  auto valid = at("999990019", "ggz");
  valid[5] = valid[5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(refusal(valid, "ggz"), PseudonymError::kTagMismatch) << "a mistyped pseudonym";
}

TEST_F(PseudonymiserTest, TextFormIsEpochPointAndTag) {
  static const re2::RE2 form(R"(v1\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{16})");
  const auto text = at("999990019", "ggz");
  EXPECT_TRUE(re2::RE2::FullMatch(text, form)) << text;
  EXPECT_EQ(from_base64url(parts_of(text).at(2))->size(), 12u) << "a 96-bit tag";
}

TEST_F(PseudonymiserTest, TagVerifiesOnlyInItsOwnDomain) {
  const auto& p = *pseudonymiser_;
  const auto at_ggz = at("999990019", "ggz");
  EXPECT_TRUE(p.subject_of_pseudonym(at_ggz, "ggz").has_value());
  for (const char* other : {"gemeente", "veilig-thuis", "zvh", "ggz2", "GGZ", ""}) {
    EXPECT_EQ(refusal(at_ggz, other), PseudonymError::kTagMismatch) << other;
  }
}

TEST_F(PseudonymiserTest, ADomainsPseudonymPresentedAsAnothersIsRefused) {
  // The report: a GGZ partner sent a pseudonym issued to Veilig Thuis as its own.
  const auto at_veilig_thuis = at("999990019", "veilig-thuis");
  EXPECT_EQ(refusal(at_veilig_thuis, "ggz"), PseudonymError::kTagMismatch);
  EXPECT_EQ(refusal(untagged(at_veilig_thuis), "ggz"), PseudonymError::kUntaggedOutsideWindow)
      << "stripping the tag does not help";
  // Nor does putting ggz's tag of another person on Veilig Thuis's point.
  const auto other_at_ggz = parts_of(at("111222333", "ggz"));
  EXPECT_EQ(refusal(untagged(at_veilig_thuis) + "." + other_at_ggz.at(2), "ggz"),
            PseudonymError::kTagMismatch);
}

TEST_F(PseudonymiserTest, AnyFlippedBitInPointOrTagIsRefused) {
  const auto parts = parts_of(at("999990019", "ggz"));
  ASSERT_EQ(parts.size(), 3u);
  const auto point = *from_base64url(parts[1]);
  const auto tag = *from_base64url(parts[2]);
  for (std::size_t bit = 0; bit < point.size() * 8; ++bit) {
    auto flipped = point;
    flipped[bit / 8] ^= static_cast<std::uint8_t>(1U << (bit % 8));
    EXPECT_EQ(refusal(parts[0] + "." + to_base64url(flipped) + "." + parts[2], "ggz"),
              PseudonymError::kTagMismatch)
        << "point bit " << bit;
  }
  for (std::size_t bit = 0; bit < tag.size() * 8; ++bit) {
    auto flipped = tag;
    flipped[bit / 8] ^= static_cast<std::uint8_t>(1U << (bit % 8));
    EXPECT_EQ(refusal(parts[0] + "." + parts[1] + "." + to_base64url(flipped), "ggz"),
              PseudonymError::kTagMismatch)
        << "tag bit " << bit;
  }
}

TEST_F(PseudonymiserTest, MistypedTruncatedOrExtendedTextIsRefused) {
  const auto text = at("999990019", "ggz");
  for (std::size_t i = 0; i < text.size(); ++i) {
    for (const char typo : {'A', 'b', '0', '-', '_', '.', ' '}) {
      if (text[i] == typo) continue;
      auto mistyped = text;
      mistyped[i] = typo;
      EXPECT_TRUE(refusal(mistyped, "ggz").has_value()) << mistyped;
    }
  }
  for (std::size_t size = 0; size < text.size(); ++size) {
    EXPECT_TRUE(refusal(text.substr(0, size), "ggz").has_value()) << "truncated to " << size;
  }
  for (const auto& extended : {text + "A", text + ".", text + "." + parts_of(text).at(2),
                               " " + text, text + "\n", "v01" + text.substr(2)}) {
    EXPECT_TRUE(refusal(extended, "ggz").has_value()) << extended;
  }
}

TEST_F(PseudonymiserTest, TranslationIsTaggedForTheRecipientsDomain) {
  const auto& p = *pseudonymiser_;
  auto named = p.subject_of_pseudonym(at("999990019", "ggz"), "ggz");
  ASSERT_TRUE(named.has_value()) << describe(named.error());
  const auto at_zvh = p.pseudonym(*named, "zvh").value();
  EXPECT_EQ(at_zvh, at("999990019", "zvh"));
  EXPECT_EQ(parts_of(at_zvh).size(), 3u) << at_zvh;
  EXPECT_TRUE(p.subject_of_pseudonym(at_zvh, "zvh").has_value())
      << "the recipient can send it back";
  EXPECT_EQ(refusal(at_zvh, "ggz"), PseudonymError::kTagMismatch);
}

TEST_F(PseudonymiserTest, NewKeyDirectoryAcceptsNoUntaggedPseudonym) {
  // `keys init` records an empty window: this directory never issued an untagged pseudonym.
  const auto& p = *pseudonymiser_;
  EXPECT_FALSE(p.accepts_untagged("ggz"));
  EXPECT_EQ(refusal(untagged(at("999990019", "ggz")), "ggz"),
            PseudonymError::kUntaggedOutsideWindow);
  std::ifstream in(keys_dir() / "epochs.json");
  const auto document = nlohmann::json::parse(in);
  EXPECT_EQ(document["untagged_window"], nlohmann::json::object());
}

TEST_F(PseudonymiserTest, UntaggedAcceptedOnlyUntilTheDomainsNextRotation) {
  make_key_directory_from_before_tagging(R"({"domains": {"ggz": 2}})");
  const auto& before = *pseudonymiser_;
  const auto subject = before.subject_of_bsn("999990019");
  const auto v1 = before.pseudonym_at(subject, "ggz", 1).value();
  const auto v2 = before.pseudonym(subject, "ggz").value();
  const auto at_gemeente = before.pseudonym(subject, "gemeente").value();
  ASSERT_TRUE(v2.starts_with("v2.")) << v2;
  EXPECT_TRUE(before.accepts_untagged("ggz"));
  EXPECT_TRUE(before.accepts_untagged("gemeente")) << "a domain never rotated, at epoch 1";
  for (const auto& [text, domain] :
       {std::pair{v1, "ggz"}, {v2, "ggz"}, {at_gemeente, "gemeente"}}) {
    auto named = before.subject_of_pseudonym(untagged(text), domain);
    ASSERT_TRUE(named.has_value()) << untagged(text) << ": " << describe(named.error());
    EXPECT_EQ(before.pseudonym(*named, "ggz").value(), v2) << "the same person, answered tagged";
  }
  EXPECT_EQ(refusal("v3." + untagged(v2).substr(3), "ggz"), PseudonymError::kUnknownEpoch);
  auto top_bit = *from_base64url(parts_of(v2).at(1));
  top_bit[31] |= 0x80;
  EXPECT_EQ(refusal("v2." + to_base64url(top_bit), "ggz"), PseudonymError::kInvalidPoint)
      << "a second spelling of the same point";
  // Inside the window nothing binds an untagged point to its domain: the hole
  // the window leaves open until the domain's next rotation closes it.
  EXPECT_TRUE(before.subject_of_pseudonym(untagged(at_gemeente), "ggz").has_value());

  // `keys rotate` ends ggz's window for good; other domains keep theirs.
  ASSERT_EQ(KeyStore::rotate(keys_dir(), "ggz"), 3u);
  reload();
  const auto& after = *pseudonymiser_;
  EXPECT_FALSE(after.accepts_untagged("ggz"));
  EXPECT_TRUE(after.accepts_untagged("gemeente"));
  for (const auto& text : {v1, v2}) {
    EXPECT_EQ(refusal(untagged(text), "ggz"), PseudonymError::kUntaggedOutsideWindow) << text;
    EXPECT_TRUE(after.subject_of_pseudonym(text, "ggz").has_value())
        << "tagged pseudonyms of older epochs still translate";
  }
  EXPECT_TRUE(after.subject_of_pseudonym(untagged(at_gemeente), "gemeente").has_value());
  std::ifstream in(keys_dir() / "epochs.json");
  const auto document = nlohmann::json::parse(in);
  EXPECT_EQ(document["untagged_window"], (nlohmann::json{{"ggz", 2}, {"*", 1}}))
      << "the window the directory implied is written out";
  ASSERT_EQ(KeyStore::rotate(keys_dir(), "gemeente"), 2u);
  reload();
  EXPECT_EQ(refusal(untagged(at_gemeente), "gemeente"), PseudonymError::kUntaggedOutsideWindow);
}

TEST_F(PseudonymiserTest, RunningGatewayClosesTheWindowWhenItTakesUpARotation) {
  make_key_directory_from_before_tagging("");
  auto& p = *pseudonymiser_;
  const auto at_ggz = untagged(at("999990019", "ggz"));
  EXPECT_TRUE(p.subject_of_pseudonym(at_ggz, "ggz").has_value());
  p.set_epochs({{"ggz", 2}});  // as a reload after `keys rotate` in another process
  EXPECT_EQ(refusal(at_ggz, "ggz"), PseudonymError::kUntaggedOutsideWindow);
  EXPECT_TRUE(p.subject_of_pseudonym(untagged(at("999990019", "zvh")), "zvh").has_value());
}

TEST_F(PseudonymiserTest, RandomTextIsRefusedAndNeverCrashes) {
  const auto& p = *pseudonymiser_;
  const auto valid = at("999990019", "ggz");
  std::mt19937_64 random(20261125);
  auto pick = [&](std::string_view alphabet, std::size_t size) {
    std::string text;
    for (std::size_t i = 0; i < size; ++i) text += alphabet[random() % alphabet.size()];
    return text;
  };
  constexpr std::string_view kBase64url =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const std::string any_byte = [] {
    std::string bytes;
    for (int c = 0; c < 256; ++c) bytes += static_cast<char>(c);
    return bytes;
  }();
  for (int round = 0; round < 20'000; ++round) {
    std::string text;
    switch (round % 4) {
      case 0:
        text = pick(any_byte, random() % 80);
        break;
      case 1:
        text = "v" + pick("0123456789", 1 + random() % 3) + "." + pick(kBase64url, 43) + "." +
               pick(kBase64url, 16);
        break;
      case 2:
        text = "v1." + pick(kBase64url, 43);
        break;
      default:
        text = valid;
        for (std::uint64_t edits = 1 + random() % 3; edits > 0; --edits) {
          text[random() % text.size()] = any_byte[random() % any_byte.size()];
        }
        if (text == valid) continue;
    }
    ASSERT_FALSE(p.subject_of_pseudonym(text, "ggz").has_value()) << "accepted: " << text;
  }
}

TEST_F(PseudonymiserTest, ShreddingAMonthsKeyUnlinksThatMonth) {
  const auto& p = *pseudonymiser_;
  auto& ring = keys_->audit_keys();
  ASSERT_TRUE(ring.get_or_create("2026-01").has_value());
  ASSERT_TRUE(ring.get_or_create("2026-02").has_value());
  const auto january = p.audit_token_in(p.subject_of_bsn("999990019"), "2026-01");
  const auto february = p.audit_token_in(p.subject_of_bsn("999990019"), "2026-02");
  ASSERT_TRUE(january && february);
  EXPECT_NE(*january, *february) << "each month has its own key";
  EXPECT_TRUE(january->starts_with("t1.2026-01."));
  auto shredded = ring.shred_before("2026-02");
  ASSERT_TRUE(shredded.has_value()) << shredded.error();
  EXPECT_EQ(*shredded, std::vector<std::string>{"2026-01"});
  EXPECT_FALSE(std::filesystem::exists(keys_dir() / "audit-keys" / "2026-01.key"));
  EXPECT_FALSE(p.audit_token_in(p.subject_of_bsn("999990019"), "2026-01").has_value())
      << "a cached token outlived its shredded key";
  reload();
  const auto& fresh = *pseudonymiser_;
  EXPECT_FALSE(fresh.audit_token_in(fresh.subject_of_bsn("999990019"), "2026-01").has_value());
  EXPECT_EQ(fresh.audit_token_in(fresh.subject_of_bsn("999990019"), "2026-02"), february);
}

// Known-answer vectors: fixed keys must give these pseudonyms forever, or
// every partner's stored pseudonyms break. tests/crypto/kat.json holds them.
class KnownAnswerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto dir = dir_.path() / "keys";
    std::filesystem::create_directories(dir / "audit-keys");
    std::array<std::uint8_t, 32> master{}, audit{};
    for (std::size_t i = 0; i < 32; ++i) {
      master[i] = static_cast<std::uint8_t>(i);
      audit[i] = static_cast<std::uint8_t>(0xA0 + i);
    }
    std::array<std::uint8_t, 32> seed{}, public_key{};
    seed.fill(0x42);
    std::array<std::uint8_t, 64> signing{};
    crypto_sign_seed_keypair(public_key.data(), signing.data(), seed.data());
    ASSERT_TRUE(write_key_file(dir / "master.key", master));
    ASSERT_TRUE(write_key_file(dir / "audit-signing.key", signing));
    ASSERT_TRUE(write_key_file(dir / "audit-keys" / "2026-11.key", audit));
    keys_.emplace(*KeyStore::load(dir));
    pseudonymiser_.emplace(*keys_);
    std::ifstream in(std::filesystem::path(SCHAKEL_SOURCE_DIR) / "tests/crypto/kat.json");
    vectors_ = nlohmann::json::parse(in);
  }
  testing::TempDir dir_;
  std::optional<KeyStore> keys_;
  std::optional<Pseudonymiser> pseudonymiser_;
  nlohmann::json vectors_;
};

TEST_F(KnownAnswerTest, FixedKeysGiveTheCommittedPseudonyms) {
  const auto& p = *pseudonymiser_;
  ASSERT_GE(vectors_["subjects"].size(), 3u);
  for (const auto& entry : vectors_["subjects"]) {
    const auto subject = p.subject_of_bsn(entry["bsn"].get<std::string>());
    EXPECT_EQ(p.pseudonym(subject, entry["domain"].get<std::string>()).value(), entry["pseudonym"]);
    EXPECT_EQ(p.audit_token_in(subject, "2026-11"), entry["audit_token_2026_11"]);
    auto named = p.subject_of_pseudonym(entry["pseudonym"].get<std::string>(),
                                        entry["domain"].get<std::string>());
    ASSERT_TRUE(named.has_value()) << entry["pseudonym"];
    EXPECT_EQ(p.audit_token_in(*named, "2026-11"), entry["audit_token_2026_11"]);
    EXPECT_FALSE(p.subject_of_pseudonym(entry["pseudonym"].get<std::string>(), "zvh"));
  }
  for (const auto& entry : vectors_["fields"]) {
    EXPECT_EQ(
        p.field_pseudonym(entry["value"].get<std::string>(), entry["domain"].get<std::string>())
            .value(),
        entry["pseudonym"]);
  }
  EXPECT_EQ(to_hex(keys_->signing_public_key()), vectors_["signing_public_key"]);
}

TEST_F(KnownAnswerTest, PseudonymFollowsTheDocumentedDerivation) {
  // Recomputed from libsodium primitives, as a partner's auditor could.
  std::array<std::uint8_t, 32> master{};
  for (std::size_t i = 0; i < 32; ++i) master[i] = static_cast<std::uint8_t>(i);
  std::array<std::uint8_t, 64> derived{}, hash{};
  const std::string label = "schakel/domain/v1/ggz/subject";
  crypto_auth_hmacsha512(derived.data(), reinterpret_cast<const unsigned char*>(label.data()),
                         label.size(), master.data());
  std::array<std::uint8_t, 32> scalar{}, m{}, p{};
  crypto_core_ristretto255_scalar_reduce(scalar.data(), derived.data());
  const std::string input = "schakel/subject/v1:999990019";
  crypto_hash_sha512(hash.data(), reinterpret_cast<const unsigned char*>(input.data()),
                     input.size());
  crypto_core_ristretto255_from_hash(m.data(), hash.data());
  ASSERT_EQ(crypto_scalarmult_ristretto255(p.data(), scalar.data(), m.data()), 0);
  // The tag: keyed BLAKE2b-128 of P under the first 32 bytes of the domain
  // epoch's "/tag" subkey, cut to 12 bytes.
  const std::string tag_label = "schakel/domain/v1/ggz/tag";
  crypto_auth_hmacsha512(derived.data(), reinterpret_cast<const unsigned char*>(tag_label.data()),
                         tag_label.size(), master.data());
  std::array<std::uint8_t, 16> tag{};
  crypto_generichash(tag.data(), tag.size(), p.data(), p.size(), derived.data(), 32);
  EXPECT_EQ(pseudonymiser_->pseudonym(pseudonymiser_->subject_of_bsn("999990019"), "ggz").value(),
            "v1." + to_base64url(p) + "." + to_base64url(std::span(tag).first(12)));
}

}  // namespace
}  // namespace schakel::crypto
