#include "audit/sqlite_store.hpp"

#include "audit/sqlite_util.hpp"
#include "common/log.hpp"

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
CREATE TABLE IF NOT EXISTS audit_checkpoint (
  sequence   INTEGER PRIMARY KEY,
  head_hash  TEXT NOT NULL,
  time       TEXT NOT NULL,
  signature  TEXT NOT NULL
);
-- No secondary indexes: a query verifies the whole chain first (query.hpp),
-- a full scan either way, and each index cost every append a B-tree insert.
DROP INDEX IF EXISTS audit_record_subject;
DROP INDEX IF EXISTS audit_record_transaction;
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
  const char* synchronous = options.skip_fsync ? "PRAGMA synchronous=OFF" : "PRAGMA synchronous=FULL";
  for (const char* sql : {"PRAGMA journal_mode=WAL", synchronous,
                          "PRAGMA cache_size=-16384", kSchema}) {
    if (auto ok = exec(db, sql); !ok) {
      return std::unexpected("cannot prepare audit database " + options.path.string() + ": " +
                             ok.error());
    }
  }
  if (auto ok = store->load_head(); !ok) return std::unexpected(ok.error());
  return store;
}

SqliteStore::SqliteStore(sqlite3* db) : db_(db) {}

SqliteStore::~SqliteStore() {
  insert_.reset();
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
    // Empty: a new chain, or one pruned to its last checkpoint.
    Statement cut(
        db_, "SELECT sequence, head_hash FROM audit_checkpoint ORDER BY sequence DESC LIMIT 1");
    const bool pruned = cut.ok() && cut.step() == SQLITE_ROW;
    head_sequence_ = pruned ? static_cast<std::uint64_t>(cut.integer(0)) : 0;
    head_hash_ = pruned ? cut.text(1) : std::string(kGenesisHash);
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
  if (!insert_) insert_ = std::make_unique<Statement>(db_, kInsert);
  if (!insert_->ok()) {
    insert_.reset();
    return std::unexpected(error_text(db_));
  }
  Statement& insert = *insert_;
  insert.reset();
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

// Reads the chain head inside the write lock (another process, an operator's
// `schakel keys`, may have appended since this store's last batch), runs
// `body`, and commits — or rolls everything back when any step fails or throws.
std::expected<void, std::string> SqliteStore::in_write_transaction(
    const std::function<std::expected<void, std::string>()>& body) {
  if (auto ok = exec(db_, "BEGIN IMMEDIATE"); !ok) return ok;
  std::expected<void, std::string> done = load_head();
  try {
    if (done) done = body();
  } catch (const std::exception&) {
    done = std::unexpected(std::string("a record could not be encoded"));
  }
  if (done) done = exec(db_, "COMMIT");
  if (!done) (void)exec(db_, "ROLLBACK");
  return done;
}

std::expected<void, std::string> SqliteStore::append_batch(std::span<AuditRecord> records) {
  return in_write_transaction([&]() -> std::expected<void, std::string> {
    for (auto& record : records) {
      if (auto ok = insert(record); !ok) return ok;
    }
    return {};
  });
}

std::expected<Checkpoint, std::string> SqliteStore::insert_checkpoint(
    std::uint64_t sequence, std::string hash, const CheckpointSigner& sign) {
  Checkpoint checkpoint{sequence, std::move(hash), log::timestamp_utc(), {}};
  checkpoint.signature = sign(checkpoint.signed_bytes());
  Statement insert(db_,
                   "INSERT OR REPLACE INTO audit_checkpoint (sequence, head_hash, time, signature) "
                   "VALUES (?1, ?2, ?3, ?4)");
  if (!insert.ok()) return std::unexpected(error_text(db_));
  insert.bind(1, static_cast<std::int64_t>(checkpoint.sequence));
  insert.bind(2, checkpoint.head_hash);
  insert.bind(3, checkpoint.time);
  insert.bind(4, checkpoint.signature);
  if (insert.step() != SQLITE_DONE) return std::unexpected(error_text(db_));
  return checkpoint;
}

std::expected<Checkpoint, std::string> SqliteStore::write_checkpoint(const CheckpointSigner& sign) {
  Checkpoint written;
  auto ok = in_write_transaction([&]() -> std::expected<void, std::string> {
    if (head_sequence_ == 0) return {};  // an empty chain has nothing to sign
    auto checkpoint = insert_checkpoint(head_sequence_, head_hash_, sign);
    if (!checkpoint) return std::unexpected(checkpoint.error());
    written = std::move(*checkpoint);
    return {};
  });
  if (!ok) return std::unexpected(ok.error());
  return written;
}

std::expected<Checkpoint, std::string> SqliteStore::prune_through(std::uint64_t sequence,
                                                                  const CheckpointSigner& sign) {
  Checkpoint written;
  auto ok = in_write_transaction([&]() -> std::expected<void, std::string> {
    Statement hash_of(db_, "SELECT hash FROM audit_record WHERE sequence = ?1");
    hash_of.bind(1, static_cast<std::int64_t>(sequence));
    if (!hash_of.ok() || hash_of.step() != SQLITE_ROW) {
      return std::unexpected("no record " + std::to_string(sequence) + " to cut at");
    }
    auto checkpoint = insert_checkpoint(sequence, hash_of.text(0), sign);
    if (!checkpoint) return std::unexpected(checkpoint.error());
    written = std::move(*checkpoint);
    Statement remove(db_, "DELETE FROM audit_record WHERE sequence <= ?1");
    remove.bind(1, static_cast<std::int64_t>(sequence));
    if (!remove.ok() || remove.step() != SQLITE_DONE) return std::unexpected(error_text(db_));
    return {};
  });
  if (!ok) return std::unexpected(ok.error());
  return written;
}

std::expected<std::uint64_t, std::string> SqliteStore::unsigned_records() {
  if (auto ok = exec(db_, "BEGIN"); !ok) return std::unexpected(ok.error());
  auto head = load_head();
  Statement last(db_, "SELECT COALESCE(MAX(sequence), 0) FROM audit_checkpoint");
  const bool read = head && last.ok() && last.step() == SQLITE_ROW;
  const auto signed_through = read ? static_cast<std::uint64_t>(last.integer(0)) : 0;
  (void)exec(db_, "COMMIT");
  if (!read) return std::unexpected(head ? error_text(db_) : head.error());
  return head_sequence_ > signed_through ? head_sequence_ - signed_through : 0;
}

std::expected<void, std::string> SqliteStore::check_writable() {
  if (auto ok = exec(db_, "BEGIN IMMEDIATE"); !ok) return ok;
  (void)exec(db_, "ROLLBACK");
  return {};
}

}  // namespace schakel::audit
