// The key directory: owner-only files, refused when damaged or too open.
#include "crypto/key_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "crypto/key_files.hpp"
#include "tests/support/paths.hpp"

namespace schakel::crypto {
namespace {

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

// Gateways sharing one key directory (issue 17): a new month's audit-token
// key is made once; whoever comes second uses the first one's, so one person
// has one token that month whichever instance recorded them.
TEST(KeyStore, TwoInstancesMakeANewMonthsKeyOnce) {
  testing::TempDir dir;
  const auto keys = dir.path() / "keys";
  ASSERT_TRUE(KeyStore::init(keys));
  auto first = KeyStore::load(keys);
  auto second = KeyStore::load(keys);
  ASSERT_TRUE(first.has_value() && second.has_value());
  auto made = first->audit_keys().get_or_create("2031-05");
  ASSERT_TRUE(made.has_value()) << made.error();
  auto found = second->audit_keys().get_or_create("2031-05");
  ASSERT_TRUE(found.has_value()) << found.error();
  ASSERT_EQ((*made)->bytes().size(), (*found)->bytes().size());
  EXPECT_TRUE(
      std::equal((*made)->bytes().begin(), (*made)->bytes().end(), (*found)->bytes().begin()))
      << "two keys for one month";
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(keys / "audit-keys")) {
    EXPECT_EQ(entry.path().string().find(".tmp-"), std::string::npos) << "left behind";
    ++files;
  }
  EXPECT_GE(files, 1u);
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

TEST(KeyStore, RefusesAMalformedUntaggedWindow) {
  testing::TempDir dir;
  const auto keys = dir.path() / "keys";
  ASSERT_TRUE(KeyStore::init(keys));
  for (const char* text : {R"({"domains": {}, "untagged_window": {"ggz": 0}})",
                           R"({"domains": {}, "untagged_window": {"ggz": "2"}})",
                           R"({"domains": {}, "untagged_window": [1]})"}) {
    ASSERT_TRUE(replace_owner_only_file(keys / "epochs.json", text));
    auto loaded = KeyStore::load(keys);
    ASSERT_FALSE(loaded.has_value()) << text;
    EXPECT_NE(loaded.error().find("untagged_window"), std::string::npos) << loaded.error();
  }
}

}  // namespace
}  // namespace schakel::crypto
