#pragma once
// The gateway's state under settings.data_dir, opened the same way by every
// process that touches it (`schakel serve`, `keys`, `audit prune`): the
// directory created owner-only (0700), and the trail where settings.store
// says: the embedded log (audit/log_store.hpp) with the settings' segment
// size, lock timeout (timeouts_ms.audit_busy) and durability, or PostgreSQL
// (audit/pg_trail_store.hpp) with the same lock timeout.
#include <expected>
#include <memory>
#include <string>

#include "audit/store.hpp"
#include "audit/trail_source.hpp"
#include "crypto/key_store.hpp"
#include "gateway/settings.hpp"
#include "pg/connection.hpp"
#include "region/sqlite_db.hpp"

namespace schakel::gateway {

// Creates data_dir when missing and makes it 0700.
[[nodiscard]] std::expected<void, std::string> ensure_data_dir(const Settings& settings);
// ensure_data_dir, then the trail in it. With a witness (audit.witness) the
// trail must reach the witness's last validly signed checkpoint and hold the
// record it signed at that sequence (unless pruned away): a trail cut back,
// deleted or replaced behind the witness is refused, so that no sequence
// number the witness and the receipts know is given out again.
[[nodiscard]] std::expected<std::unique_ptr<audit::AuditStore>, std::string> open_trail(
    const Settings& settings, const crypto::PublicKey& audit_key);

// The trail for its readers (verify, query, export, prune's plan, the console).
[[nodiscard]] std::expected<std::unique_ptr<audit::TrailSource>, std::string> open_trail_source(
    const Settings& settings);

// The region's state (signals, cases, the queue, the outbox, the escrow):
// DATA/region.sqlite, or the PostgreSQL database of settings.store. Nothing
// (not an error) when `existing_only` and the file was never made.
[[nodiscard]] std::expected<std::shared_ptr<region::SharedDatabase>, std::string> open_region_state(
    const Settings& settings, std::chrono::milliseconds lock_timeout, bool existing_only = false);

// The PostgreSQL session options of settings.store: its conninfo, and the
// password read from store.password_file when one is named (a file that is
// not owner-only is refused).
[[nodiscard]] std::expected<pg::Options, std::string> postgresql_options(
    const Settings& settings, std::string application_name);

// An operator's record (`schakel keys`, `audit prune`) appended to the
// trail, then a signed checkpoint of it, published to the witness like the
// gateway's: an operator's record is never left unsigned. Returns its sequence.
[[nodiscard]] std::expected<std::uint64_t, std::string> append_signed(const Settings& settings,
                                                                      audit::AuditStore& trail,
                                                                      const crypto::KeyStore& keys,
                                                                      audit::AuditRecord record);

}  // namespace schakel::gateway
