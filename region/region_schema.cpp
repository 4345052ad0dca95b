// The region's SQLite file, all its tables in one place (sqlite_db.hpp):
//   signals, matches       — "who else is involved" (sqlite_signal_store.cpp)
//   notifications          — owed to partners; held_by names the outbox
//                            record that must be durable first (NULL: free)
//   cases                  — one JSON document per case (sqlite_case_store.cpp)
//   record_outbox          — audit records of committed changes, waiting to be
//                            appended to the trail (sqlite_record_outbox.cpp)
//   answers                — what a change answered, a day, for repeats of its
//                            request (sqlite_record_outbox.cpp)
//   queued_messages        — messages for asynchronous delivery and handovers,
//                            sealed (sqlite_message_queue.cpp)
//   escrow                 — sealed BSNs for re-identification, by lookup
//                            (sqlite_escrow_store.cpp)
// PRAGMA user_version 3 is this schema; a file of version 0 (before the
// outbox), 1 (before the queue) or 2 (before the escrow) is upgraded in place
// (kSchema creates what is missing, upgrade_older the rest); a later version
// is refused.
#include "region/sqlite_db.hpp"

namespace schakel::region {
namespace {

constexpr int kSchemaVersion = 3;

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS signals (
  id TEXT PRIMARY KEY, partner_oin TEXT NOT NULL, purpose TEXT NOT NULL,
  subject_index TEXT NOT NULL, contact TEXT NOT NULL, registered_on TEXT NOT NULL,
  active_until TEXT NOT NULL, withdrawn_on TEXT);
CREATE INDEX IF NOT EXISTS signals_by_subject ON signals (subject_index, purpose);
CREATE TABLE IF NOT EXISTS matches (
  id TEXT PRIMARY KEY,
  signal_a TEXT NOT NULL REFERENCES signals (id) ON DELETE CASCADE,
  signal_b TEXT NOT NULL REFERENCES signals (id) ON DELETE CASCADE,
  matched_on TEXT NOT NULL, UNIQUE (signal_a, signal_b));
CREATE TABLE IF NOT EXISTS notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT, recipient_oin TEXT NOT NULL, kind TEXT NOT NULL,
  body TEXT NOT NULL, subject_index TEXT NOT NULL, reference TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, due_unix INTEGER NOT NULL DEFAULT 0, held_by TEXT);
CREATE TABLE IF NOT EXISTS cases (
  id TEXT PRIMARY KEY, subject_index TEXT NOT NULL, document TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS record_outbox (
  hold_key TEXT PRIMARY KEY, record TEXT NOT NULL, retry INTEGER NOT NULL DEFAULT 0,
  after_restart INTEGER NOT NULL DEFAULT 0, held_unix INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS answers (
  transaction_id TEXT PRIMARY KEY, sender_oin TEXT NOT NULL, request TEXT NOT NULL,
  status INTEGER NOT NULL, body TEXT NOT NULL, answered_unix INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS queued_messages (
  transaction_id TEXT PRIMARY KEY, sender_oin TEXT NOT NULL, recipient_oin TEXT NOT NULL,
  purpose TEXT NOT NULL, subject_token TEXT NOT NULL, decision_sequence INTEGER NOT NULL,
  handover INTEGER NOT NULL, sealed BLOB, status TEXT NOT NULL, attempts INTEGER NOT NULL,
  queued_unix INTEGER NOT NULL, due_unix INTEGER NOT NULL, expires_unix INTEGER NOT NULL,
  delivered_unix INTEGER NOT NULL DEFAULT 0, accept_by_unix INTEGER NOT NULL DEFAULT 0,
  answered_unix INTEGER NOT NULL DEFAULT 0, escalated INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS queued_messages_due ON queued_messages (status, due_unix);
CREATE TABLE IF NOT EXISTS escrow (lookup BLOB PRIMARY KEY, sealed BLOB NOT NULL) WITHOUT ROWID;
)";

std::expected<std::int64_t, std::string> single_number(Database& db, std::string_view sql) {
  auto query = db.prepare(sql);
  if (!query) return std::unexpected(query.error());
  auto row = query->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::unexpected(std::string("sqlite: no answer to a schema question"));
  return query->integer(0);
}

// Adds `column` (its SQL definition) to `table` unless it is there already.
std::expected<void, std::string> add_column(Database& db, const std::string& table,
                                            const std::string& column,
                                            const std::string& definition) {
  auto has = single_number(
      db, "SELECT COUNT(*) FROM pragma_table_info('" + table + "') WHERE name = '" + column + "'");
  if (!has) return std::unexpected(has.error());
  if (*has > 0) return {};
  return db.execute("ALTER TABLE " + table + " ADD COLUMN " + column + " " + definition);
}

// Version 0 had matches.audited (the notifier's flag before the outbox) and
// notifications without held_by; version 1 an outbox without held_unix.
// Runs after kSchema: the tables exist. A version-0 file with a match whose
// record was never written is refused: its record cannot be made here.
std::expected<void, std::string> upgrade_older(Database& db) {
  if (auto done = add_column(db, "notifications", "held_by", "TEXT"); !done) return done;
  if (auto done = add_column(db, "record_outbox", "held_unix", "INTEGER NOT NULL DEFAULT 0");
      !done) {
    return done;
  }
  auto audited =
      single_number(db, "SELECT COUNT(*) FROM pragma_table_info('matches') WHERE name = 'audited'");
  if (!audited) return std::unexpected(audited.error());
  if (*audited == 0) return {};
  auto unrecorded = single_number(db, "SELECT COUNT(*) FROM matches WHERE audited = 0");
  if (!unrecorded) return std::unexpected(unrecorded.error());
  if (*unrecorded > 0) {
    return std::unexpected(
        std::to_string(*unrecorded) +
        " match(es) whose audit record a gateway from before the record outbox never wrote; "
        "start that version once more to let it write them, then this one");
  }
  return db.execute("ALTER TABLE matches DROP COLUMN audited");
}

}  // namespace

std::expected<std::shared_ptr<SharedDatabase>, std::string> open_region_database(
    const std::filesystem::path& file, std::chrono::milliseconds busy_timeout) {
  auto db = Database::open(file, busy_timeout);
  if (!db) return std::unexpected(db.error());
  auto version = single_number(*db, "PRAGMA user_version");
  if (!version) return std::unexpected(version.error());
  if (*version > kSchemaVersion) {
    return std::unexpected(file.string() + " was written by a later Schakel (schema version " +
                           std::to_string(*version) + ", this one knows " +
                           std::to_string(kSchemaVersion) + ")");
  }
  auto done = db->in_write_transaction([&]() -> std::expected<void, std::string> {
    if (*version == kSchemaVersion) return {};
    if (auto created = db->execute(kSchema); !created) return created;
    if (auto upgraded = upgrade_older(*db); !upgraded) return upgraded;
    if (auto indexed =
            db->execute("CREATE INDEX IF NOT EXISTS notifications_held ON notifications (held_by)");
        !indexed) {
      return indexed;
    }
    return db->execute("PRAGMA user_version = " + std::to_string(kSchemaVersion));
  });
  if (!done) return std::unexpected(file.string() + ": " + done.error());
  return std::make_shared<SharedDatabase>(std::move(*db));
}

}  // namespace schakel::region

namespace schakel::region {
namespace {

// The same tables in PostgreSQL's types; `rowid` is a column of its own
// where the stores order by it. Version 1 of this schema.
constexpr const char* kPostgresqlSchema = R"(
BEGIN;
SELECT pg_advisory_xact_lock(hashtext('schakel schema'));
CREATE TABLE IF NOT EXISTS signals (
  rowid bigserial UNIQUE,
  id text PRIMARY KEY, partner_oin text NOT NULL, purpose text NOT NULL,
  subject_index text NOT NULL, contact text NOT NULL, registered_on text NOT NULL,
  active_until text NOT NULL, withdrawn_on text);
CREATE INDEX IF NOT EXISTS signals_by_subject ON signals (subject_index, purpose);
CREATE TABLE IF NOT EXISTS matches (
  id text PRIMARY KEY,
  signal_a text NOT NULL REFERENCES signals (id) ON DELETE CASCADE,
  signal_b text NOT NULL REFERENCES signals (id) ON DELETE CASCADE,
  matched_on text NOT NULL, UNIQUE (signal_a, signal_b));
CREATE TABLE IF NOT EXISTS notifications (
  id bigserial PRIMARY KEY, recipient_oin text NOT NULL, kind text NOT NULL,
  body text NOT NULL, subject_index text NOT NULL, reference text NOT NULL,
  attempts bigint NOT NULL DEFAULT 0, due_unix bigint NOT NULL DEFAULT 0, held_by text);
CREATE INDEX IF NOT EXISTS notifications_held ON notifications (held_by);
CREATE TABLE IF NOT EXISTS cases (
  id text PRIMARY KEY, subject_index text NOT NULL, document text NOT NULL);
CREATE TABLE IF NOT EXISTS record_outbox (
  rowid bigserial UNIQUE,
  hold_key text PRIMARY KEY, record text NOT NULL, retry bigint NOT NULL DEFAULT 0,
  after_restart bigint NOT NULL DEFAULT 0, held_unix bigint NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS answers (
  transaction_id text PRIMARY KEY, sender_oin text NOT NULL, request text NOT NULL,
  status bigint NOT NULL, body text NOT NULL, answered_unix bigint NOT NULL);
CREATE TABLE IF NOT EXISTS queued_messages (
  transaction_id text PRIMARY KEY, sender_oin text NOT NULL, recipient_oin text NOT NULL,
  purpose text NOT NULL, subject_token text NOT NULL, decision_sequence bigint NOT NULL,
  handover bigint NOT NULL, sealed bytea, status text NOT NULL, attempts bigint NOT NULL,
  queued_unix bigint NOT NULL, due_unix bigint NOT NULL, expires_unix bigint NOT NULL,
  delivered_unix bigint NOT NULL DEFAULT 0, accept_by_unix bigint NOT NULL DEFAULT 0,
  answered_unix bigint NOT NULL DEFAULT 0, escalated bigint NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS queued_messages_due ON queued_messages (status, due_unix);
CREATE TABLE IF NOT EXISTS escrow (lookup bytea PRIMARY KEY, sealed bytea NOT NULL);
COMMIT;
)";

}  // namespace

std::expected<std::shared_ptr<SharedDatabase>, std::string> open_region_postgresql(
    pg::Options options, std::chrono::milliseconds lock_timeout) {
  auto db = Database::open_postgresql(std::move(options), lock_timeout);
  if (!db) return std::unexpected(db.error());
  if (auto made = db->execute(kPostgresqlSchema); !made) {
    (void)db->execute("ROLLBACK");
    return std::unexpected("the region's tables in PostgreSQL: " + made.error());
  }
  return std::make_shared<SharedDatabase>(std::move(*db));
}

}  // namespace schakel::region
