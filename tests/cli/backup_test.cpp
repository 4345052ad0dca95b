// `schakel audit backup` and `restore` (issue 18): a backup taken while the
// gateway serves under load restores into an empty data directory and
// verifies with the keys backed up apart, its trail a prefix of the live one;
// restore refuses a backup changed by one byte, a wrong checkpoint key, and a
// data directory that already holds a trail; backup never overwrites a file.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <cstdio>
#include <thread>

#include "audit/log_store.hpp"
#include "crypto/key_store.hpp"
#include "tests/support/peers.hpp"
#include "tests/support/senders.hpp"
#include "tests/support/serve_process.hpp"
#include "tests/support/test_gateway.hpp"

namespace schakel::testing {
namespace {

struct Run {
  int status;
  std::string output;
};

// `schakel ARGS` (its stdout and stderr), as an operator runs it.
Run schakel(const std::string& arguments) {
  const std::string command = std::string(SCHAKEL_BINARY) + " " + arguments + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (pipe && std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  const int status = pipe ? ::pclose(pipe) : -1;
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// A configuration directory on `region` whose keys are a copy of `keys` (the key backup).
std::filesystem::path restored_config(const std::filesystem::path& dir,
                                      const std::filesystem::path& region,
                                      const std::filesystem::path& keys) {
  std::filesystem::create_directories(dir);
  write_settings(dir, region);
  std::filesystem::copy(keys, dir / "keys", std::filesystem::copy_options::recursive);
  return dir;
}

// Changes one byte in the middle of the first trail segment of an archive.
void tamper(const std::filesystem::path& archive) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(archive.c_str(), &db), SQLITE_OK);
  const char* sql =
      "UPDATE sqlar SET data = substr(data, 1, sz / 2) || x'ff' || substr(data, sz / 2 + 2) "
      "WHERE name = (SELECT min(name) FROM sqlar WHERE name LIKE 'trail/%')";
  ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  EXPECT_EQ(sqlite3_changes(db), 1);
  sqlite3_close(db);
}

TEST(BackupTest, ABackupTakenUnderLoadRestoresVerifiedAndRefusesWhatWasChanged) {
  TempDir dir;
  TlsUpstream upstream;
  const auto region =
      write_test_region(dir.path(), {upstream.port(), closed_port(), closed_port()});
  const auto live = dir.path() / "live";
  std::filesystem::create_directories(live);
  write_settings(live, region);
  ASSERT_TRUE(crypto::KeyStore::init(live / "keys"));
  const auto archive = dir.path() / "backup.sqlar";
  {
    ServeProcess serve(live, dir.path() / "serve.log");
    const auto port = serve.wait_for_port(0);
    ASSERT_NE(port, 0) << read_file(dir.path() / "serve.log");
    Senders senders(port, 2);
    for (int i = 0; i < 1000 && senders.receipts().size() < 20; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_GE(senders.receipts().size(), 20u);
    const auto backup =
        schakel("audit backup --config " + live.string() + " --to " + archive.string());
    EXPECT_EQ(backup.status, 0) << backup.output;
    EXPECT_NE(backup.output.find("and the region's state"), std::string::npos) << backup.output;
    const auto again =
        schakel("audit backup --config " + live.string() + " --to " + archive.string());
    EXPECT_EQ(again.status, 2) << "a backup overwrote a file: " << again.output;
    senders.stop();
    serve.kill(SIGTERM);
  }

  const auto restored = restored_config(dir.path() / "restored", region, live / "keys");
  const auto restore =
      schakel("audit restore --config " + restored.string() + " --from " + archive.string());
  ASSERT_EQ(restore.status, 0) << restore.output;
  const auto report = verify_with_keys(restored / "keys", restored / "data" / "trail");
  ASSERT_TRUE(report) << report.error();
  EXPECT_EQ(report->first_bad_sequence, 0u) << report->problem;
  EXPECT_GE(report->records, 20u);
  const auto live_segments = audit::trail_segments(live / "data" / "trail");
  const auto restored_segments = audit::trail_segments(restored / "data" / "trail");
  ASSERT_TRUE(live_segments && restored_segments && !restored_segments->empty());
  for (const auto& segment : *restored_segments) {  // a prefix of the live trail
    const auto live_bytes = read_file(live / "data" / "trail" / segment.filename());
    const auto restored_bytes = read_file(segment);
    EXPECT_EQ(live_bytes.substr(0, restored_bytes.size()), restored_bytes) << segment;
  }
  EXPECT_TRUE(std::filesystem::exists(restored / "data" / "region.sqlite"));
  const auto over =
      schakel("audit restore --config " + restored.string() + " --from " + archive.string());
  EXPECT_EQ(over.status, 1) << over.output;
  EXPECT_NE(over.output.find("holds"), std::string::npos) << over.output;

  const auto changed = dir.path() / "changed.sqlar";
  std::filesystem::copy_file(archive, changed);
  tamper(changed);
  const auto target = restored_config(dir.path() / "target", region, live / "keys");
  const auto refused =
      schakel("audit restore --config " + target.string() + " --from " + changed.string());
  EXPECT_EQ(refused.status, 1) << refused.output;
  EXPECT_NE(refused.output.find("restore refused"), std::string::npos) << refused.output;
  EXPECT_FALSE(std::filesystem::exists(target / "data" / "trail"))
      << "a refused restore left a trail";
  EXPECT_FALSE(std::filesystem::exists(target / "data" / "region.sqlite"));

  // Nothing of anyone's is removed: a trail directory holding another file
  // refuses the restore, and so does a backup whose file.partial exists.
  const auto occupied = restored_config(dir.path() / "occupied", region, live / "keys");
  std::filesystem::create_directories(occupied / "data" / "trail");
  write_file(occupied / "data" / "trail" / "notes.txt", "precious");
  const auto kept =
      schakel("audit restore --config " + occupied.string() + " --from " + archive.string());
  EXPECT_EQ(kept.status, 1) << kept.output;
  EXPECT_EQ(read_file(occupied / "data" / "trail" / "notes.txt"), "precious");
  const auto partial = dir.path() / "second.sqlar.partial";
  write_file(partial, "someone's");
  const auto second = schakel("audit backup --config " + restored.string() + " --to " +
                              (dir.path() / "second.sqlar").string());
  EXPECT_EQ(second.status, 2) << second.output;
  EXPECT_EQ(read_file(partial), "someone's");

  // An archive whose sqlar is a view (here: endless) is no backup: refused, not read.
  const auto view = dir.path() / "view.sqlar";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(view.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE VIEW sqlar AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT "
                         "n + 1 FROM r) SELECT 'trail/trail-00000000000000000001.log' AS name, "
                         "33152 AS mode, 0 AS mtime, 1 AS sz, x'00' AS data FROM r",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  const auto endless = restored_config(dir.path() / "endless", region, live / "keys");
  const auto refused_view =
      schakel("audit restore --config " + endless.string() + " --from " + view.string());
  EXPECT_EQ(refused_view.status, 1) << refused_view.output;
  EXPECT_NE(refused_view.output.find("no sqlar table"), std::string::npos) << refused_view.output;
  EXPECT_FALSE(std::filesystem::exists(endless / "data"))
      << "a refused restore made the data directory";

  const auto other = dir.path() / "other";
  std::filesystem::create_directories(other);
  write_settings(other, region);
  ASSERT_TRUE(crypto::KeyStore::init(other / "keys"));  // another region's checkpoint key
  const auto wrong_key =
      schakel("audit restore --config " + other.string() + " --from " + archive.string());
  EXPECT_EQ(wrong_key.status, 1) << wrong_key.output;
}

}  // namespace
}  // namespace schakel::testing
