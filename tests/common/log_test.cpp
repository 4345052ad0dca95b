// The operational log's formats and its file: JSON lines parse and carry the
// fields as given (bad UTF-8 replaced, never thrown); a field cannot shadow
// time/level/event; reopen_file writes to a new file after the old one was
// moved away (logrotate), and keeps the old one when the new cannot be made.
#include "common/log.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace schakel::log {
namespace {

std::string read_all(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class LogTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("schakel-log-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    set_sink(nullptr);
    set_format(Format::kText);
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
};

TEST_F(LogTest, JsonLinesCarryTheFieldsAsGiven) {
  std::ostringstream out;
  set_sink(&out);
  set_format(Format::kJson);
  info("gateway.started", {{"region", "Voorbeeldregio \"Zuid\""}, {"threads", "2"}});
  const auto line = nlohmann::json::parse(out.str());
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["event"], "gateway.started");
  EXPECT_EQ(line["region"], "Voorbeeldregio \"Zuid\"");
  EXPECT_EQ(line["threads"], "2");
  EXPECT_TRUE(line["time"].get<std::string>().ends_with("Z"));
  EXPECT_EQ(out.str().back(), '\n');
  EXPECT_EQ(out.str().find('\n'), out.str().size() - 1);  // one line
}

TEST_F(LogTest, JsonNeverThrowsOnBadUtf8NorLetsAFieldShadowTheEvent) {
  std::ostringstream out;
  set_sink(&out);
  set_format(Format::kJson);
  error("peer.refused", {{"reason", "\xff\xfe bad"}, {"event", "forged"}, {"level", "debug"}});
  const auto line = nlohmann::json::parse(out.str());
  EXPECT_EQ(line["event"], "peer.refused");
  EXPECT_EQ(line["level"], "error");
  EXPECT_NE(line["reason"].get<std::string>().find("bad"), std::string::npos);
}

TEST_F(LogTest, TextStaysOneLineOfKeyValues) {
  std::ostringstream out;
  set_sink(&out);
  warn("audit.slow", {{"reason", "two words"}});
  EXPECT_NE(out.str().find(" WARN audit.slow reason=\"two words\"\n"), std::string::npos);
}

TEST_F(LogTest, ReopenWritesToANewFileAfterTheOldWasMoved) {
  const auto file = dir_ / "schakel.log";
  ASSERT_TRUE(open_file(file));
  info("before.rotation");
  std::filesystem::rename(file, dir_ / "schakel.log.1");
  info("between");  // still the moved file: it is open
  ASSERT_TRUE(reopen_file());
  info("after.rotation");
  const auto old_text = read_all(dir_ / "schakel.log.1");
  const auto new_text = read_all(file);
  EXPECT_NE(old_text.find("before.rotation"), std::string::npos);
  EXPECT_NE(old_text.find("between"), std::string::npos);
  EXPECT_EQ(old_text.find("after.rotation"), std::string::npos);
  EXPECT_NE(new_text.find("after.rotation"), std::string::npos);
  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0007, 0u);  // never readable by others
}

TEST_F(LogTest, AFailedReopenKeepsTheOldFile) {
  const auto sub = dir_ / "sub";
  std::filesystem::create_directories(sub);
  const auto file = sub / "schakel.log";
  ASSERT_TRUE(open_file(file));
  std::filesystem::rename(sub, dir_ / "moved");  // the directory is gone: no new file
  const auto reopened = reopen_file();
  ASSERT_FALSE(reopened);
  EXPECT_NE(reopened.error().find("schakel.log"), std::string::npos);
  info("still.logged");
  EXPECT_NE(read_all(dir_ / "moved" / "schakel.log").find("still.logged"), std::string::npos);
}

TEST_F(LogTest, AFileThatCannotBeOpenedIsAnError) {
  EXPECT_FALSE(open_file(dir_ / "missing-dir" / "schakel.log"));
  EXPECT_FALSE(writes_to_file());
}

// A FIFO would block the opening process until a reader came; /dev/full
// would swallow every line: only a regular file is a log file.
TEST_F(LogTest, OnlyARegularFileIsALogFile) {
  const auto fifo = dir_ / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto refused = open_file(fifo);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().find("fifo"), std::string::npos)
      << refused.error();  // and did not hang
  EXPECT_FALSE(open_file("/dev/full"));
  EXPECT_FALSE(writes_to_file());
  ASSERT_TRUE(open_file(dir_ / "schakel.log"));
  EXPECT_TRUE(writes_to_file());
}

}  // namespace
}  // namespace schakel::log
