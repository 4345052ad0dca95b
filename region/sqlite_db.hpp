#pragma once
// A small owner of one SQLite connection and its statements: errors as
// values (the message names the operation, never a bound value), a busy
// timeout on every lock wait, and in_write_transaction() — BEGIN IMMEDIATE,
// the work, COMMIT, or ROLLBACK when the work or the commit fails; inside a
// transaction already open, a SAVEPOINT that the work's failure rolls back
// alone. Not thread-safe: one owner at a time (SharedDatabase's mutex).
#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace schakel::region {

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* statement) : db_(db), statement_(statement) {}
  Statement(Statement&& other) noexcept
      : db_(other.db_), statement_(std::exchange(other.statement_, nullptr)) {}
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(statement_); }

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::int64_t number);
  Statement& bind_null(int index);
  Statement& bind_blob(int index, std::span<const std::uint8_t> bytes);
  // true: a row is ready; false: done; an error names the statement's failure.
  [[nodiscard]] std::expected<bool, std::string> step();
  [[nodiscard]] std::string text(int column) const;
  [[nodiscard]] std::optional<std::string> optional_text(int column) const;
  [[nodiscard]] std::int64_t integer(int column) const;
  [[nodiscard]] std::vector<std::uint8_t> blob(int column) const;  // empty for NULL

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_;
};

class Database {
 public:
  // Opens (creating) the file, WAL, synchronous=FULL, foreign keys, busy timeout.
  [[nodiscard]] static std::expected<Database, std::string> open(
      const std::filesystem::path& file, std::chrono::milliseconds busy_timeout);
  Database(Database&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  Database& operator=(Database&&) = delete;
  Database(const Database&) = delete;
  ~Database() { sqlite3_close_v2(db_); }

  [[nodiscard]] std::expected<void, std::string> execute(std::string_view sql);
  [[nodiscard]] std::expected<Statement, std::string> prepare(std::string_view sql);
  // How durable a commit is. kFull: on disk when COMMIT returns (synchronous
  // = FULL). kAfterCrash: survives the process's crash (SIGKILL) at once, a
  // power loss only after the next WAL checkpoint (synchronous = NORMAL) —
  // for bookkeeping whose loss repeats work (a notification delivered again,
  // a settled record replayed again), never for a change itself.
  enum class Durability { kFull, kAfterCrash };

  // Runs `work` in BEGIN IMMEDIATE … COMMIT; on its error (or COMMIT's) rolls
  // back. Nested in an open transaction: SAVEPOINT … RELEASE, or ROLLBACK TO
  // on the work's error (the outer transaction goes on and decides, and its
  // durability holds).
  [[nodiscard]] std::expected<void, std::string> in_write_transaction(
      const std::function<std::expected<void, std::string>()>& work,
      Durability durability = Durability::kFull);
  [[nodiscard]] std::int64_t changes() const { return sqlite3_changes64(db_); }

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

// The region's file (DATA/region.sqlite) as one connection that its stores
// (signals, cases, the record outbox) share, so that one transaction can span
// them: a change, the notifications it owes and its held audit record commit
// together. The mutex is recursive because a change holds it across the
// stores' own calls. open_region_database() creates or upgrades the schema
// (region_schema.cpp, PRAGMA user_version), all tables in one place.
struct SharedDatabase {
  explicit SharedDatabase(Database opened) : db(std::move(opened)) {}
  std::recursive_mutex mutex;
  Database db;
};

[[nodiscard]] std::expected<std::shared_ptr<SharedDatabase>, std::string> open_region_database(
    const std::filesystem::path& file, std::chrono::milliseconds busy_timeout);

}  // namespace schakel::region
