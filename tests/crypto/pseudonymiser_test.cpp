#include "crypto/pseudonymiser.hpp"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "crypto/encoding.hpp"
#include "crypto/key_files.hpp"
#include "tests/support/paths.hpp"

namespace schakel::crypto {
namespace {

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
    return pseudonymiser_->pseudonym(pseudonymiser_->subject_of_bsn(bsn), domain);
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
  ASSERT_TRUE(named.has_value()) << named.error();
  EXPECT_EQ(p.pseudonym(*named, "zvh"), at("999990019", "zvh"));
  EXPECT_EQ(p.audit_token(*named), p.audit_token(p.subject_of_bsn("999990019")));
}

TEST_F(PseudonymiserTest, CachedAndColdResultsAgree) {
  PseudonymiserOptions uncached;
  uncached.cache_entries = 0;
  Pseudonymiser cold(*keys_, uncached);
  const auto& hot = *pseudonymiser_;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(hot.pseudonym(hot.subject_of_bsn("999990019"), "ggz"),
              cold.pseudonym(cold.subject_of_bsn("999990019"), "ggz"));
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
  EXPECT_EQ(pseudonymiser_->pseudonym(*old_named, "ggz"), after);
  EXPECT_FALSE(pseudonymiser_->subject_of_pseudonym("v3." + after.substr(3), "ggz").has_value())
      << "a future epoch is unknown";
}

TEST_F(PseudonymiserTest, RecipientCannotDeriveAnotherDomainsPseudonym) {
  // Domain A knows the BSN, the public M and its own pseudonym s_A*M; none of
  // what it can compute from those equals the pseudonym in domain B.
  const auto pseudonym_a = at("999990019", "ggz");
  const auto pseudonym_b = at("999990019", "gemeente");
  auto p_a = from_base64url(pseudonym_a.substr(3));
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
    EXPECT_NE("v1." + to_base64url(guess), pseudonym_b);
  }
  EXPECT_NE("v1." + to_base64url(*p_a), pseudonym_b);
}

TEST_F(PseudonymiserTest, AnotherMasterKeyGivesOtherPseudonyms) {
  testing::TempDir other_dir;
  ASSERT_TRUE(KeyStore::init(other_dir.path() / "keys"));
  auto other_keys = KeyStore::load(other_dir.path() / "keys");
  Pseudonymiser other(*other_keys);
  EXPECT_NE(at("999990019", "ggz"), other.pseudonym(other.subject_of_bsn("999990019"), "ggz"));
}

TEST_F(PseudonymiserTest, RefusesForeignOrDamagedPseudonyms) {
  const auto& p = *pseudonymiser_;
  EXPECT_FALSE(p.subject_of_pseudonym("v2.AAAA", "ggz").has_value());
  EXPECT_FALSE(p.subject_of_pseudonym("x1.AAAA", "ggz").has_value());
  EXPECT_FALSE(p.subject_of_pseudonym("v1.not-base64!", "ggz").has_value());
  EXPECT_FALSE(p.subject_of_pseudonym("v1." + std::string(43, 'A'), "ggz").has_value())
      << "the identity element";
  auto valid = at("999990019", "ggz");
  valid[5] = valid[5] == 'A' ? 'B' : 'A';
  if (auto tampered = p.subject_of_pseudonym(valid, "ggz")) {
    EXPECT_NE(p.pseudonym(*tampered, "ggz"), at("999990019", "ggz"));
  }
}

TEST_F(PseudonymiserTest, ShreddingAMonthsKeyUnlinksThatMonth) {
  const auto& p = *pseudonymiser_;
  auto& ring = keys_->audit_keys();
  ASSERT_NE(ring.key_for("2026-01", true), nullptr);
  ASSERT_NE(ring.key_for("2026-02", true), nullptr);
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
    EXPECT_EQ(p.pseudonym(subject, entry["domain"].get<std::string>()), entry["pseudonym"]);
    EXPECT_EQ(p.audit_token_in(subject, "2026-11"), entry["audit_token_2026_11"]);
  }
  for (const auto& entry : vectors_["fields"]) {
    EXPECT_EQ(
        p.field_pseudonym(entry["value"].get<std::string>(), entry["domain"].get<std::string>()),
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
  EXPECT_EQ(pseudonymiser_->pseudonym(pseudonymiser_->subject_of_bsn("999990019"), "ggz"),
            "v1." + to_base64url(p));
}

TEST(KeyStore, KeyFilesAreOwnerOnlyAndChecked) {
  testing::TempDir dir;
  const auto keys = dir.path() / "keys";
  ASSERT_TRUE(KeyStore::init(keys));
  struct stat info {};
  ASSERT_EQ(::stat((keys / "master.key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((keys / "audit-signing.key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_FALSE(KeyStore::init(keys).has_value()) << "overwrote an existing key";

  ::chmod((keys / "master.key").c_str(), 0644);
  auto readable = KeyStore::load(keys);
  ASSERT_FALSE(readable.has_value());
  EXPECT_NE(readable.error().find("master.key is readable by group or others"), std::string::npos)
      << readable.error();

  ::chmod((keys / "master.key").c_str(), 0600);
  ::truncate((keys / "master.key").c_str(), 16);
  auto truncated = KeyStore::load(keys);
  ASSERT_FALSE(truncated.has_value());
  EXPECT_NE(truncated.error().find("has 16 bytes, expected 32"), std::string::npos);

  auto missing = KeyStore::load(dir.path() / "nowhere");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().find("schakel keys init"), std::string::npos);
}

TEST(KeyStore, RefusesBadSigningAuditAndEpochFiles) {
  testing::TempDir dir;
  const auto keys = dir.path() / "keys";
  ASSERT_TRUE(KeyStore::init(keys));
  ::chmod((keys / "audit-signing.key").c_str(), 0640);
  auto signing = KeyStore::load(keys);
  ASSERT_FALSE(signing.has_value());
  EXPECT_NE(signing.error().find("audit-signing.key is readable by group"), std::string::npos);
  ::chmod((keys / "audit-signing.key").c_str(), 0600);

  std::ofstream(keys / "audit-keys" / "2026-11.key") << "short";
  ::chmod((keys / "audit-keys" / "2026-11.key").c_str(), 0600);
  auto audit = KeyStore::load(keys);
  ASSERT_FALSE(audit.has_value());
  EXPECT_NE(audit.error().find("2026-11.key has 5 bytes, expected 32"), std::string::npos)
      << audit.error();
  std::filesystem::remove(keys / "audit-keys" / "2026-11.key");

  std::ofstream(keys / "epochs.json") << R"({"domains": {"ggz": 0}})";
  ::chmod((keys / "epochs.json").c_str(), 0600);
  auto epochs = KeyStore::load(keys);
  ASSERT_FALSE(epochs.has_value());
  EXPECT_NE(epochs.error().find("/domains/ggz: epoch must be a whole number from 1"),
            std::string::npos)
      << epochs.error();
}

}  // namespace
}  // namespace schakel::crypto
