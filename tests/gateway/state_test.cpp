// The database password (issue 17): read from store.password_file only when
// the file is its owner's alone, one line; never from the settings.
#include "gateway/state.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/support/paths.hpp"

namespace schakel::gateway {
namespace {

class DatabasePasswordTest : public ::testing::Test {
 protected:
  std::expected<pg::Options, std::string> options_with(const std::string& text, mode_t mode) {
    const auto file = dir_.path() / "db-password";
    std::filesystem::remove(file);
    testing::write_file(file, text);
    ::chmod(file.c_str(), mode);
    Settings settings;
    settings.store.kind = StoreSettings::Kind::kPostgresql;
    settings.store.conninfo = "host=/nowhere dbname=schakel";
    settings.store.password_file = file;
    return postgresql_options(settings, "test");
  }
  testing::TempDir dir_;
};

TEST_F(DatabasePasswordTest, AnOwnerOnlyFileOfOneLineIsThePassword) {
  auto options = options_with("s3cret\n", 0600);
  ASSERT_TRUE(options.has_value()) << options.error();
  EXPECT_EQ(options->password, "s3cret");
  EXPECT_EQ(options->conninfo, "host=/nowhere dbname=schakel");
}

TEST_F(DatabasePasswordTest, AFileOthersCanReadOrOfSeveralLinesIsRefused) {
  auto open = options_with("s3cret\n", 0644);
  ASSERT_FALSE(open.has_value());
  EXPECT_NE(open.error().find("only its owner can read"), std::string::npos) << open.error();
  EXPECT_EQ(open.error().find("s3cret"), std::string::npos);
  auto lines = options_with("s3cret\nmore\n", 0600);
  ASSERT_FALSE(lines.has_value());
  EXPECT_NE(lines.error().find("one line"), std::string::npos) << lines.error();
  auto empty = options_with("\n", 0600);
  EXPECT_FALSE(empty.has_value());
}

TEST_F(DatabasePasswordTest, ALinkIsNoPasswordFile) {
  const auto target = dir_.path() / "elsewhere";
  testing::write_file(target, "s3cret\n");
  ::chmod(target.c_str(), 0600);
  const auto link = dir_.path() / "link";
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  Settings settings;
  settings.store.kind = StoreSettings::Kind::kPostgresql;
  settings.store.password_file = link;
  EXPECT_FALSE(postgresql_options(settings, "test").has_value());
}

}  // namespace
}  // namespace schakel::gateway
