// Password credentials of the console: set writes an argon2id hash and a
// TOTP secret owner-only; the password matches and nothing else does; a
// file others can read, or a malformed one, is refused naming the file.
#include "console/credentials.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "console/totp.hpp"
#include "tests/support/paths.hpp"

namespace schakel::console {
namespace {

TEST(Credentials, SetThenSignInWithThePasswordOnly) {
  testing::TempDir dir;
  const auto file = Credentials::file_in(dir.path());
  auto empty = Credentials::load(file);
  ASSERT_TRUE(empty.has_value()) << empty.error();
  EXPECT_EQ(empty->find("privacy-team"), nullptr) << "no file: nobody signs in with a password";
  auto secret = Credentials::set(file, "privacy-team", "correct horse battery");
  ASSERT_TRUE(secret.has_value()) << secret.error();
  EXPECT_EQ(base32_decode(*secret)->size(), kTotpSecretBytes);
  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  std::ifstream in(file);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text.find("correct horse"), std::string::npos);
  EXPECT_NE(text.find("$argon2id$"), std::string::npos);

  auto loaded = Credentials::load(file);
  ASSERT_TRUE(loaded.has_value()) << loaded.error();
  const Credential* credential = loaded->find("privacy-team");
  ASSERT_NE(credential, nullptr);
  EXPECT_TRUE(Credentials::password_matches(*credential, "correct horse battery"));
  EXPECT_FALSE(Credentials::password_matches(*credential, "correct horse batter"));
  EXPECT_FALSE(Credentials::password_matches(*credential, ""));
  auto again = Credentials::set(file, "privacy-team", "another long password");
  ASSERT_TRUE(again.has_value());
  EXPECT_NE(*again, *secret) << "a new TOTP secret every time";
}

TEST(Credentials, RefusesAFileOthersCanReadOrThatIsMalformed) {
  testing::TempDir dir;
  const auto file = Credentials::file_in(dir.path());
  ASSERT_TRUE(Credentials::set(file, "a", "a long enough password").has_value());
  ::chmod(file.c_str(), 0644);
  auto readable = Credentials::load(file);
  ASSERT_FALSE(readable.has_value());
  EXPECT_NE(readable.error().find(file.string()), std::string::npos);
  for (const char* text :
       {"[]", "{\"users\": {\"a\": {\"password\": \"x\"}}}",
        "{\"users\": {\"a\": {\"password\": \"x\", \"totp\": \"ABC\"}}}",
        "{\"users\": {\"a\": {\"password\": \"x\", \"totp\": \"x\", \"y\": 1}}}"}) {
    { std::ofstream(file) << text; }
    ::chmod(file.c_str(), 0600);
    EXPECT_FALSE(Credentials::load(file).has_value()) << text;
  }
}

}  // namespace
}  // namespace schakel::console
