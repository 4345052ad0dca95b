#include "crypto/pseudonymiser.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "crypto/encoding.hpp"
#include "tests/support/paths.hpp"

namespace schakel::crypto {
namespace {

class PseudonymiserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(KeyStore::init(dir_.path() / "keys"));
    keys_.emplace(*KeyStore::load(dir_.path() / "keys"));
    pseudonymiser_.emplace(*keys_);
  }
  testing::TempDir dir_;
  std::optional<KeyStore> keys_;
  std::optional<Pseudonymiser> pseudonymiser_;
};

TEST_F(PseudonymiserTest, SamePersonSameDomainSamePseudonym) {
  const auto& p = *pseudonymiser_;
  EXPECT_EQ(p.pseudonym(p.point_of_bsn("999990019"), "ggz"),
            p.pseudonym(p.point_of_bsn("999990019"), "ggz"));
  EXPECT_NE(p.pseudonym(p.point_of_bsn("999990019"), "ggz"),
            p.pseudonym(p.point_of_bsn("111222333"), "ggz"));
}

TEST_F(PseudonymiserTest, DomainsSeeUnlinkablePseudonyms) {
  const auto& p = *pseudonymiser_;
  const auto point = p.point_of_bsn("999990019");
  EXPECT_NE(p.pseudonym(point, "ggz"), p.pseudonym(point, "gemeente"));
}

TEST_F(PseudonymiserTest, TranslationEqualsDirectDerivation) {
  const auto& p = *pseudonymiser_;
  const auto at_ggz = p.pseudonym(p.point_of_bsn("999990019"), "ggz");
  auto back = p.point_of_pseudonym(at_ggz, "ggz");
  ASSERT_TRUE(back.has_value()) << back.error();
  EXPECT_EQ(p.pseudonym(*back, "zvh"), p.pseudonym(p.point_of_bsn("999990019"), "zvh"));
  EXPECT_EQ(p.audit_token(*back), p.audit_token(p.point_of_bsn("999990019")));
}

TEST_F(PseudonymiserTest, AnotherMasterKeyGivesOtherPseudonyms) {
  testing::TempDir other_dir;
  ASSERT_TRUE(KeyStore::init(other_dir.path() / "keys"));
  Pseudonymiser other(*KeyStore::load(other_dir.path() / "keys"));
  const auto& p = *pseudonymiser_;
  EXPECT_NE(p.pseudonym(p.point_of_bsn("999990019"), "ggz"),
            other.pseudonym(other.point_of_bsn("999990019"), "ggz"));
}

TEST_F(PseudonymiserTest, RefusesForeignOrDamagedPseudonyms) {
  const auto& p = *pseudonymiser_;
  EXPECT_FALSE(p.point_of_pseudonym("v2.AAAA", "ggz").has_value());
  EXPECT_FALSE(p.point_of_pseudonym("v1.not-base64!", "ggz").has_value());
  EXPECT_FALSE(p.point_of_pseudonym("v1." + std::string(43, 'A'), "ggz").has_value())
      << "the identity element";
  auto valid = p.pseudonym(p.point_of_bsn("999990019"), "ggz");
  valid[5] = valid[5] == 'A' ? 'B' : 'A';
  auto tampered = p.point_of_pseudonym(valid, "ggz");
  if (tampered) {
    EXPECT_NE(p.pseudonym(*tampered, "ggz"), p.pseudonym(p.point_of_bsn("999990019"), "ggz"));
  }
}

TEST(KeyStore, KeyFilesAreOwnerOnlyAndChecked) {
  testing::TempDir dir;
  const auto keys = dir.path() / "keys";
  ASSERT_TRUE(KeyStore::init(keys));
  struct stat info {};
  ASSERT_EQ(::stat((keys / "master.key").c_str(), &info), 0);
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

}  // namespace
}  // namespace schakel::crypto
