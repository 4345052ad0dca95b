#include "audit/sqlite_util.hpp"

#include <utility>

namespace schakel::audit {

Statement::Statement(sqlite3* db, std::string_view sql) {
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &statement_, nullptr) !=
      SQLITE_OK) {
    statement_ = nullptr;
  }
}

Statement::~Statement() {
  sqlite3_finalize(statement_);
}

void Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()),
                    SQLITE_TRANSIENT);
}

void Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(statement_, index, value);
}

void Statement::reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

int Statement::step() {
  return sqlite3_step(statement_);
}

std::string Statement::text(int column) const {
  const auto* bytes = sqlite3_column_text(statement_, column);
  const int size = sqlite3_column_bytes(statement_, column);  // after _text: its length
  return bytes ? std::string(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(size))
               : std::string();
}

bool Statement::is_text(int column) const {
  return sqlite3_column_type(statement_, column) == SQLITE_TEXT;
}

std::int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(statement_, column);
}

std::expected<ReadOnlyDatabase, std::string> ReadOnlyDatabase::open(
    const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) {
    return std::unexpected("no audit database at " + path.string());
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string message = db ? error_text(db) : "out of memory";
    sqlite3_close(db);
    return std::unexpected("cannot open " + path.string() + ": " + message);
  }
  return ReadOnlyDatabase(db);
}

ReadOnlyDatabase::~ReadOnlyDatabase() {
  sqlite3_close(db_);
}

ReadOnlyDatabase::ReadOnlyDatabase(ReadOnlyDatabase&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)) {}

std::expected<void, std::string> exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown SQLite error";
    sqlite3_free(message);
    return std::unexpected(text);
  }
  return {};
}

std::string error_text(sqlite3* db) {
  return sqlite3_errmsg(db);
}

}  // namespace schakel::audit
