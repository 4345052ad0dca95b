#pragma once
// Thin RAII over the SQLite C API, shared by the store and the offline tools.
#include <sqlite3.h>

#include <cstdint>
#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

namespace schakel::audit {

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  [[nodiscard]] bool ok() const { return statement_ != nullptr; }
  void bind(int index, std::string_view text);
  void bind(int index, std::int64_t value);
  // Makes a prepared statement ready to run again, with fresh bindings.
  void reset();
  // SQLITE_ROW, SQLITE_DONE or an error code.
  [[nodiscard]] int step();
  // The column's text, every byte of it (a NUL inside included).
  [[nodiscard]] std::string text(int column) const;
  [[nodiscard]] bool is_text(int column) const;
  [[nodiscard]] std::int64_t integer(int column) const;

 private:
  sqlite3_stmt* statement_ = nullptr;
};

// An audit database opened read-only (verify, query, the tests' auditor view);
// closed on destruction. Opening names the file when it is missing or unreadable.
class ReadOnlyDatabase {
 public:
  [[nodiscard]] static std::expected<ReadOnlyDatabase, std::string> open(
      const std::filesystem::path& path);
  ~ReadOnlyDatabase();
  ReadOnlyDatabase(ReadOnlyDatabase&& other) noexcept;
  ReadOnlyDatabase(const ReadOnlyDatabase&) = delete;
  ReadOnlyDatabase& operator=(const ReadOnlyDatabase&) = delete;
  ReadOnlyDatabase& operator=(ReadOnlyDatabase&&) = delete;

  [[nodiscard]] sqlite3* get() const { return db_; }

 private:
  explicit ReadOnlyDatabase(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

[[nodiscard]] std::expected<void, std::string> exec(sqlite3* db, const char* sql);
[[nodiscard]] std::string error_text(sqlite3* db);

}  // namespace schakel::audit
