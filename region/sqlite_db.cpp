#include "region/sqlite_db.hpp"

#include "region/pg_query.hpp"

namespace schakel::region {

Statement::Statement(sqlite3* db, sqlite3_stmt* statement) : db_(db), statement_(statement) {}

Statement::Statement(std::unique_ptr<PgQuery> query) : pg_(std::move(query)) {}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      statement_(std::exchange(other.statement_, nullptr)),
      pg_(std::move(other.pg_)) {}

Statement::~Statement() {
  sqlite3_finalize(statement_);
}

Statement& Statement::bind(int index, std::string_view text) {
  if (pg_) {
    pg_->bind(index, std::string(text), false);
    return *this;
  }
  sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()),
                    SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind(int index, std::int64_t number) {
  if (pg_) {
    pg_->bind(index, std::to_string(number), false);
    return *this;
  }
  sqlite3_bind_int64(statement_, index, number);
  return *this;
}

Statement& Statement::bind_blob(int index, std::span<const std::uint8_t> bytes) {
  if (pg_) {
    pg_->bind(index, std::string(bytes.begin(), bytes.end()), true);
    return *this;
  }
  sqlite3_bind_blob(statement_, index, bytes.data(), static_cast<int>(bytes.size()),
                    SQLITE_TRANSIENT);
  return *this;
}

std::vector<std::uint8_t> Statement::blob(int column) const {
  if (pg_) return pg_->blob(column);
  const auto* bytes = static_cast<const std::uint8_t*>(sqlite3_column_blob(statement_, column));
  const auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement_, column));
  return bytes ? std::vector<std::uint8_t>(bytes, bytes + size) : std::vector<std::uint8_t>{};
}

Statement& Statement::bind_null(int index) {
  if (pg_) {
    pg_->bind(index, std::nullopt, false);
    return *this;
  }
  sqlite3_bind_null(statement_, index);
  return *this;
}

std::expected<bool, std::string> Statement::step() {
  if (pg_) return pg_->step();
  const int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(std::string("sqlite: ") + sqlite3_errmsg(db_));
}

std::string Statement::text(int column) const {
  if (pg_) return pg_->text(column);
  const auto* bytes = sqlite3_column_text(statement_, column);
  return bytes ? std::string(reinterpret_cast<const char*>(bytes),
                             static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)))
               : std::string();
}

std::optional<std::string> Statement::optional_text(int column) const {
  if (pg_) return pg_->optional_text(column);
  if (sqlite3_column_type(statement_, column) == SQLITE_NULL) return std::nullopt;
  return text(column);
}

std::int64_t Statement::integer(int column) const {
  if (pg_) return pg_->integer(column);
  return sqlite3_column_int64(statement_, column);
}

std::expected<Database, std::string> Database::open(const std::filesystem::path& file,
                                                    std::chrono::milliseconds busy_timeout) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  Database out(db);
  if (rc != SQLITE_OK) {
    return std::unexpected("cannot open " + file.string() + ": " +
                           (db ? sqlite3_errmsg(db) : "out of memory"));
  }
  sqlite3_busy_timeout(db, static_cast<int>(busy_timeout.count()));
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                             "PRAGMA foreign_keys=ON", "PRAGMA secure_delete=ON"}) {
    if (auto done = out.execute(pragma); !done) return std::unexpected(done.error());
  }
  return out;
}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      pg_options_(std::move(other.pg_options_)),
      pg_(std::move(other.pg_)),
      pg_lock_timeout_(other.pg_lock_timeout_),
      pg_changes_(other.pg_changes_),
      pg_depth_(other.pg_depth_) {}

Database::~Database() {
  sqlite3_close_v2(db_);
}

std::expected<void, std::string> Database::execute(std::string_view sql) {
  if (postgresql()) {
    auto session = this->session();
    if (!session) return std::unexpected(session.error());
    auto done = (*session)->exec(sql);
    if (!done) return std::unexpected(pg::describe(done.error()));
    pg_changes_ = static_cast<std::int64_t>(done->affected());
    return {};
  }
  char* message = nullptr;
  const std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string error = std::string("sqlite: ") + (message ? message : sqlite3_errmsg(db_));
    sqlite3_free(message);
    return std::unexpected(error);
  }
  return {};
}

std::expected<Statement, std::string> Database::prepare(std::string_view sql) {
  if (postgresql()) {
    auto query = std::make_unique<PgQuery>();
    query->owner = this;
    query->sql = postgresql_parameters(sql);
    return Statement(std::move(query));
  }
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &statement, nullptr) !=
      SQLITE_OK) {
    return std::unexpected(std::string("sqlite: ") + sqlite3_errmsg(db_));
  }
  return Statement(db_, statement);
}

std::expected<void, std::string> Database::in_write_transaction(
    const std::function<std::expected<void, std::string>()>& work, Durability durability) {
  if (postgresql()) return pg_transaction(work);  // always fully durable
  // The work may throw (out of memory, a library's exception): the
  // transaction or savepoint is rolled back all the same, then it goes on up.
  auto guarded = [&](const char* undo) -> std::expected<void, std::string> {
    try {
      auto done = work();
      if (!done) (void)execute(undo);
      return done;
    } catch (...) {
      (void)execute(undo);
      throw;
    }
  };
  if (sqlite3_get_autocommit(db_) == 0) {  // inside a transaction already
    if (auto begun = execute("SAVEPOINT nested"); !begun) return begun;
    auto done = guarded("ROLLBACK TO nested");
    if (auto released = execute("RELEASE nested"); done && !released) return released;
    return done;
  }
  const bool relaxed = durability == Durability::kAfterCrash;
  if (relaxed) {
    if (auto lowered = execute("PRAGMA synchronous=NORMAL"); !lowered) return lowered;
  }
  struct Restore {  // synchronous=FULL again when the work throws
    Database& db;
    bool relaxed;
    ~Restore() {
      if (relaxed) (void)db.execute("PRAGMA synchronous=FULL");
    }
  } restore{*this, relaxed};
  auto done = execute("BEGIN IMMEDIATE");
  if (!done) return done;
  done = guarded("ROLLBACK");
  if (done) {
    done = execute("COMMIT");
    if (!done) (void)execute("ROLLBACK");
  }
  if (relaxed) {  // a connection left at NORMAL would weaken every later commit: say so
    restore.relaxed = false;
    if (auto restored = execute("PRAGMA synchronous=FULL"); !restored) return restored;
  }
  return done;
}

}  // namespace schakel::region
