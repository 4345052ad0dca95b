#pragma once
// A small owner of one database connection and its statements — SQLite (the
// region's file, one machine) or PostgreSQL (issue 17: the region's state
// shared by several gateways) behind the same calls: errors as values (the
// message names the operation, never a bound value), a timeout on every lock
// wait, and in_write_transaction() — BEGIN IMMEDIATE, the work, COMMIT, or
// ROLLBACK when the work or the commit fails; inside a transaction already
// open, a SAVEPOINT that the work's failure rolls back alone. On PostgreSQL a
// write transaction first takes the region's advisory lock, so that writers
// of all instances take turns as SQLite's do (the stores' check-then-write
// steps stay correct), and a lost session is opened anew outside a
// transaction. The stores write SQL both understand: `?N` parameters
// (PostgreSQL: `$N`), ON CONFLICT DO NOTHING, json_text() for a member of a
// JSON column; `rowid` is a column of its own in PostgreSQL's schema. Not
// thread-safe: one owner at a time (SharedDatabase's mutex).
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

#include "pg/connection.hpp"

namespace schakel::region {

class Database;
struct PgQuery;  // a PostgreSQL statement: its text, parameters and result

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* statement);
  explicit Statement(std::unique_ptr<PgQuery> query);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

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
  sqlite3* db_ = nullptr;
  sqlite3_stmt* statement_ = nullptr;
  std::unique_ptr<PgQuery> pg_;
};

class Database {
 public:
  // Opens (creating) the file, WAL, synchronous=FULL, foreign keys, busy timeout.
  [[nodiscard]] static std::expected<Database, std::string> open(
      const std::filesystem::path& file, std::chrono::milliseconds busy_timeout);
  // A PostgreSQL session (pg/connection.hpp: a deadline on every wait); the
  // lock wait of a write transaction is `lock_timeout`.
  [[nodiscard]] static std::expected<Database, std::string> open_postgresql(
      pg::Options options, std::chrono::milliseconds lock_timeout);
  Database(Database&& other) noexcept;
  Database& operator=(Database&&) = delete;
  Database(const Database&) = delete;
  ~Database();

  [[nodiscard]] bool postgresql() const { return pg_options_ != nullptr; }
  // The SQL for the text of `member` of the JSON object in `column`.
  [[nodiscard]] std::string json_text(std::string_view column, std::string_view member) const;

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
  [[nodiscard]] std::int64_t changes() const {
    return postgresql() ? pg_changes_ : sqlite3_changes64(db_);
  }

 private:
  friend struct PgQuery;
  explicit Database(sqlite3* db) : db_(db) {}
  [[nodiscard]] std::expected<pg::Connection*, std::string> session();
  [[nodiscard]] std::expected<void, std::string> pg_transaction(
      const std::function<std::expected<void, std::string>()>& work);

  sqlite3* db_ = nullptr;
  std::unique_ptr<pg::Options> pg_options_;  // set: PostgreSQL
  std::unique_ptr<pg::Connection> pg_;
  std::chrono::milliseconds pg_lock_timeout_{0};
  std::int64_t pg_changes_ = 0;
  int pg_depth_ = 0;  // write transactions open (1) and savepoints within (more)
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
// The region's state in PostgreSQL (the tables created when missing, under
// an advisory lock: instances may start together).
[[nodiscard]] std::expected<std::shared_ptr<SharedDatabase>, std::string> open_region_postgresql(
    pg::Options options, std::chrono::milliseconds lock_timeout);

}  // namespace schakel::region
