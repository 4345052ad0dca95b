#pragma once
// `schakel audit backup` and `restore` (issue 18) for the embedded store.
// A backup is one SQLite archive file ("sqlar", readable with
// `sqlite3 FILE -Atv`): the trail's segments as they stood at one moment
// (audit/trail_snapshot.hpp) and an online backup (sqlite3_backup) of the
// region's state, DATA/region.sqlite, taken while the gateway runs, plus a
// manifest. Each backup is first an audit record ("backup"), signed at once,
// so that the trail in it ends on a signed checkpoint of the region's key. Keys are not in it: they are backed up apart (docs/operations.md
// says why: whoever holds both can link every pseudonym).
// Restore writes into a data directory that holds no trail and no region
// state, and only a backup whose trail verifies — with the checkpoint key, so
// a forged or cut backup is refused — and whose region state passes SQLite's
// integrity check; it unpacks beside the target and renames into place.
#include <cstdint>
#include <expected>
#include <filesystem>
#include <string>

#include "crypto/public_key.hpp"
#include "gateway/settings.hpp"

namespace schakel::cli {

struct BackupSummary {
  std::uint64_t segments = 0;
  std::uint64_t trail_bytes = 0;
  bool region_state = false;
};

// Needs the key directory (to sign the backup's record). Refuses a `to` that
// exists, and a PostgreSQL store (use pg_dump or pg_basebackup).
[[nodiscard]] std::expected<BackupSummary, std::string> write_backup(
    const gateway::Settings& settings, const std::filesystem::path& to);

struct RestoreSummary {
  std::uint64_t records = 0;
  std::uint64_t last_checkpoint = 0;
  bool region_state = false;
};

[[nodiscard]] std::expected<RestoreSummary, std::string> restore_backup(
    const gateway::Settings& settings, const std::filesystem::path& from,
    const crypto::PublicKey& checkpoint_key);

}  // namespace schakel::cli
