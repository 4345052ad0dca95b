#include "audit/sqlite_store.hpp"

#include "audit/sqlite_util.hpp"

namespace schakel::audit {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS audit_record (
  sequence       INTEGER PRIMARY KEY,
  kind           TEXT NOT NULL,
  outcome        TEXT NOT NULL,
  start_time     TEXT NOT NULL,
  transaction_id TEXT NOT NULL,
  sender         TEXT NOT NULL,
  recipient      TEXT NOT NULL,
  purpose        TEXT NOT NULL,
  subject_token  TEXT NOT NULL,
  body           TEXT NOT NULL,
  prev_hash      TEXT NOT NULL,
  hash           TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_record_subject ON audit_record(subject_token);
CREATE INDEX IF NOT EXISTS audit_record_transaction ON audit_record(transaction_id);
)sql";

constexpr std::string_view kInsert =
    "INSERT INTO audit_record (sequence, kind, outcome, start_time, transaction_id, sender, "
    "recipient, purpose, subject_token, body, prev_hash, hash) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";

}  // namespace

std::expected<std::unique_ptr<SqliteStore>, std::string> SqliteStore::open(
    const SqliteOptions& options) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(options.path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string message = db ? error_text(db) : "out of memory";
    sqlite3_close(db);
    return std::unexpected("cannot open audit database " + options.path.string() + ": " + message);
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(db));
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  for (const char* sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", kSchema}) {
    if (auto ok = exec(db, sql); !ok) {
      return std::unexpected("cannot prepare audit database " + options.path.string() + ": " +
                             ok.error());
    }
  }
  if (auto ok = store->load_head(); !ok) return std::unexpected(ok.error());
  return store;
}

SqliteStore::~SqliteStore() {
  sqlite3_close(db_);
}

std::expected<void, std::string> SqliteStore::load_head() {
  Statement query(db_, "SELECT sequence, hash FROM audit_record ORDER BY sequence DESC LIMIT 1");
  if (!query.ok()) return std::unexpected(error_text(db_));
  const int rc = query.step();
  if (rc == SQLITE_ROW) {
    head_sequence_ = static_cast<std::uint64_t>(query.integer(0));
    head_hash_ = query.text(1);
  } else if (rc == SQLITE_DONE) {
    head_sequence_ = 0;
    head_hash_ = std::string(kGenesisHash);
  } else {
    return std::unexpected(error_text(db_));
  }
  return {};
}

std::expected<void, std::string> SqliteStore::insert(AuditRecord& record) {
  record.sequence = head_sequence_ + 1;
  record.prev_hash = head_hash_;
  const std::string body = record.canonical_body();
  const std::string hash = chain_hash(record.prev_hash, body);
  Statement insert(db_, kInsert);
  if (!insert.ok()) return std::unexpected(error_text(db_));
  insert.bind(1, static_cast<std::int64_t>(record.sequence));
  insert.bind(2, record.kind);
  insert.bind(3, record.outcome);
  insert.bind(4, record.start_time);
  insert.bind(5, record.transaction_id);
  insert.bind(6, record.sender);
  insert.bind(7, record.recipient);
  insert.bind(8, record.purpose);
  insert.bind(9, record.subject_token);
  insert.bind(10, body);
  insert.bind(11, record.prev_hash);
  insert.bind(12, hash);
  if (insert.step() != SQLITE_DONE) return std::unexpected(error_text(db_));
  head_sequence_ = record.sequence;
  head_hash_ = hash;
  return {};
}

std::expected<void, std::string> SqliteStore::append_batch(std::span<AuditRecord> records) {
  if (auto ok = exec(db_, "BEGIN IMMEDIATE"); !ok) return ok;
  // Read inside the write lock: another process (an operator's `schakel keys`)
  // may have appended since this store's last batch.
  if (auto ok = load_head(); !ok) {
    (void)exec(db_, "ROLLBACK");
    return ok;
  }
  for (auto& record : records) {
    if (auto ok = insert(record); !ok) {
      (void)exec(db_, "ROLLBACK");
      return ok;
    }
  }
  if (auto ok = exec(db_, "COMMIT"); !ok) {
    (void)exec(db_, "ROLLBACK");
    return ok;
  }
  return {};
}

std::expected<void, std::string> SqliteStore::check_writable() {
  if (auto ok = exec(db_, "BEGIN IMMEDIATE"); !ok) return ok;
  (void)exec(db_, "ROLLBACK");
  return {};
}

}  // namespace schakel::audit
