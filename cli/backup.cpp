#include "cli/backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <memory>

#include <nlohmann/json.hpp>

#include "audit/log_store.hpp"
#include "audit/record.hpp"
#include "audit/trail_snapshot.hpp"
#include "audit/verify.hpp"
#include "crypto/key_store.hpp"
#include "gateway/state.hpp"

namespace schakel::cli {
namespace {

constexpr const char* kManifest = "schakel-backup.json";
constexpr const char* kRegionState = "region.sqlite";
constexpr const char* kTrailPrefix = "trail/";
constexpr const char* kStaging = "restoring";
constexpr std::size_t kChunk = 1 << 20;

using Db = std::unique_ptr<sqlite3, decltype(&sqlite3_close)>;

std::string sqlite_error(sqlite3* db, const std::string& what) {
  return what + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
}

std::expected<Db, std::string> open_db(const std::filesystem::path& file, int flags) {
  sqlite3* raw = nullptr;
  const int opened = sqlite3_open_v2(file.c_str(), &raw, flags, nullptr);
  Db db(raw, &sqlite3_close);
  if (opened != SQLITE_OK)
    return std::unexpected(sqlite_error(raw, "cannot open " + file.string()));
  sqlite3_busy_timeout(raw, 5000);
  return db;
}

std::expected<void, std::string> exec(sqlite3* db, const char* sql) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return std::unexpected(sqlite_error(db, sql));
  }
  return {};
}

// Creates `file` empty (0600); false when it exists.
bool make_new_file(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

// One archive entry of `size` bytes, its data written by `fill(offset, length)` in chunks.
template <typename Fill>
std::expected<void, std::string> add_entry(sqlite3* archive, const std::string& name,
                                           std::uint64_t size, Fill&& fill) {
  sqlite3_stmt* raw = nullptr;
  sqlite3_prepare_v2(archive,
                     "INSERT INTO sqlar(name, mode, mtime, sz, data) VALUES (?1, 33152, ?2, ?3, "
                     "zeroblob(?3))",
                     -1, &raw, nullptr);
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> insert(raw, &sqlite3_finalize);
  if (!insert) return std::unexpected(sqlite_error(archive, "cannot add " + name));
  sqlite3_bind_text(raw, 1, name.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(raw, 2, static_cast<sqlite3_int64>(std::time(nullptr)));
  sqlite3_bind_int64(raw, 3, static_cast<sqlite3_int64>(size));
  if (sqlite3_step(raw) != SQLITE_DONE)
    return std::unexpected(sqlite_error(archive, "cannot add " + name));
  sqlite3_blob* blob = nullptr;
  if (sqlite3_blob_open(archive, "main", "sqlar", "data", sqlite3_last_insert_rowid(archive), 1,
                        &blob) != SQLITE_OK) {
    return std::unexpected(sqlite_error(archive, "cannot write " + name));
  }
  std::unique_ptr<sqlite3_blob, decltype(&sqlite3_blob_close)> open_blob(blob, &sqlite3_blob_close);
  for (std::uint64_t offset = 0; offset < size; offset += kChunk) {
    const auto length = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, size - offset));
    auto bytes = fill(offset, length);
    if (!bytes) return std::unexpected(bytes.error());
    if (sqlite3_blob_write(blob, bytes->data(), static_cast<int>(length),
                           static_cast<int>(offset)) != SQLITE_OK) {
      return std::unexpected(sqlite_error(archive, "cannot write " + name));
    }
  }
  return {};
}

// An online copy of the region's state (sqlite3_backup) into `copy`.
std::expected<void, std::string> copy_region_state(const std::filesystem::path& source,
                                                   const std::filesystem::path& copy) {
  auto from = open_db(source, SQLITE_OPEN_READONLY);
  if (!from) return std::unexpected(from.error());
  auto to = open_db(copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!to) return std::unexpected(to.error());
  sqlite3_backup* backup = sqlite3_backup_init(to->get(), "main", from->get(), "main");
  if (!backup) return std::unexpected(sqlite_error(to->get(), "cannot back up " + source.string()));
  int step = SQLITE_OK;
  while ((step = sqlite3_backup_step(backup, 256)) == SQLITE_OK || step == SQLITE_BUSY ||
         step == SQLITE_LOCKED) {
    if (step != SQLITE_OK) sqlite3_sleep(10);  // a writer holds it: the next step starts over
  }
  sqlite3_backup_finish(backup);
  if (step != SQLITE_DONE)
    return std::unexpected(sqlite_error(to->get(), "backing up " + source.string()));
  return {};
}

std::expected<void, std::string> add_region_state(sqlite3* archive,
                                                  const gateway::Settings& settings,
                                                  const std::filesystem::path& scratch) {
  const auto copy = std::filesystem::path(scratch.string() + ".region");
  if (!make_new_file(copy)) return std::unexpected(copy.string() + " exists; remove it");
  auto copied = copy_region_state(settings.data_dir / kRegionState, copy);
  const int fd = copied ? ::open(copy.c_str(), O_RDONLY | O_CLOEXEC) : -1;
  std::filesystem::remove(copy);  // the open descriptor keeps it readable
  if (!copied) return copied;
  if (fd < 0) return std::unexpected("cannot read " + copy.string());
  struct stat info {};
  ::fstat(fd, &info);
  // An open file read up to its size: the same reader as the trail's segments (it owns the fd).
  const audit::SegmentSnapshot state(kRegionState, fd, static_cast<std::uint64_t>(info.st_size));
  return add_entry(
      archive, kRegionState, state.size(),
      [&state](std::uint64_t offset, std::size_t length) { return state.read(offset, length); });
}

std::expected<void, std::string> add_text(sqlite3* archive, const std::string& name,
                                          const std::string& text) {
  return add_entry(archive, name, text.size(), [&text](std::uint64_t offset, std::size_t length) {
    return std::expected<std::string, std::string>(text.substr(offset, length));
  });
}

// A "backup" record, then a signed checkpoint of it (as every operator's
// record): the snapshot taken next ends at or after a signed checkpoint, so
// restore can tell the region's own trail from any other.
std::expected<void, std::string> record_backup(const gateway::Settings& settings) {
  auto keys = crypto::KeyStore::load(settings.keys_dir);
  if (!keys) return std::unexpected(keys.error());
  auto store = gateway::open_trail(settings, keys->signing_public_key());
  if (!store) return std::unexpected(store.error());
  auto appended = gateway::append_signed(settings, **store, *keys,
                                         audit::event_record("backup", "started", {}));
  if (!appended) return std::unexpected(appended.error());
  return {};
}

// The archive at `file` (new): the trail's snapshot, the region's state, the manifest.
std::expected<BackupSummary, std::string> write_archive(const gateway::Settings& settings,
                                                        const std::filesystem::path& file) {
  auto archive = open_db(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!archive) return std::unexpected(archive.error());
  ::chmod(file.c_str(), 0600);
  if (auto ok = exec(archive->get(),
                     "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN; CREATE TABLE "
                     "sqlar(name TEXT PRIMARY KEY, mode INT, mtime INT, sz INT, data BLOB)");
      !ok) {
    return std::unexpected(ok.error());
  }
  if (auto signed_record = record_backup(settings); !signed_record) {
    return std::unexpected(signed_record.error());
  }
  auto segments =
      audit::snapshot_trail(gateway::trail_directory(settings), settings.timeouts.audit_busy);
  if (!segments) return std::unexpected(segments.error());
  BackupSummary summary;
  nlohmann::json names = nlohmann::json::array();
  for (const auto& segment : *segments) {
    auto added = add_entry(archive->get(), kTrailPrefix + segment.name(), segment.size(),
                           [&segment](std::uint64_t offset, std::size_t length) {
                             return segment.read(offset, length);
                           });
    if (!added) return std::unexpected(added.error());
    names.push_back(segment.name());
    ++summary.segments;
    summary.trail_bytes += segment.size();
  }
  std::error_code ec;
  summary.region_state = std::filesystem::exists(settings.data_dir / kRegionState, ec);
  if (summary.region_state) {
    if (auto ok = add_region_state(archive->get(), settings, file); !ok) {
      return std::unexpected(ok.error());
    }
  }
  const nlohmann::json manifest = {{"format", 1},
                                   {"created", std::time(nullptr)},
                                   {"segments", names},
                                   {"region_state", summary.region_state}};
  if (auto ok = add_text(archive->get(), kManifest, manifest.dump(2)); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = exec(archive->get(), "COMMIT"); !ok) return std::unexpected(ok.error());
  return summary;
}

bool sync_file(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  const bool synced = fd >= 0 && ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  return synced;
}

// --- restore ---------------------------------------------------------------

bool is_segment_name(const std::string& name) {
  if (name.size() != 6 + 20 + 4 || !name.starts_with("trail-") || !name.ends_with(".log")) {
    return false;
  }
  return std::all_of(name.begin() + 6, name.begin() + 26,
                     [](char c) { return c >= '0' && c <= '9'; });
}

// Writes entry `name` of the archive (uncompressed: sz equals its length) to `target` (new, 0600).
std::expected<void, std::string> extract(sqlite3* archive, const std::string& name,
                                         const std::filesystem::path& target) {
  sqlite3_stmt* raw = nullptr;
  sqlite3_prepare_v2(archive, "SELECT rowid, sz, length(data) FROM sqlar WHERE name = ?1", -1, &raw,
                     nullptr);
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> select(raw, &sqlite3_finalize);
  if (!select) return std::unexpected(sqlite_error(archive, "cannot read the backup"));
  sqlite3_bind_text(raw, 1, name.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(raw) != SQLITE_ROW) return std::unexpected("the backup lacks " + name);
  const auto rowid = sqlite3_column_int64(raw, 0);
  const auto size = sqlite3_column_int64(raw, 1);
  if (size != sqlite3_column_int64(raw, 2)) {
    return std::unexpected("the backup's " + name + " is compressed or damaged (size differs)");
  }
  sqlite3_blob* blob = nullptr;
  if (sqlite3_blob_open(archive, "main", "sqlar", "data", rowid, 0, &blob) != SQLITE_OK) {
    return std::unexpected(sqlite_error(archive, "cannot read " + name));
  }
  std::unique_ptr<sqlite3_blob, decltype(&sqlite3_blob_close)> open_blob(blob, &sqlite3_blob_close);
  const int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return std::unexpected("cannot create " + target.string());
  std::string chunk;
  bool written = true;
  for (sqlite3_int64 offset = 0; offset < size && written; offset += kChunk) {
    const auto length = static_cast<int>(std::min<sqlite3_int64>(kChunk, size - offset));
    chunk.resize(static_cast<std::size_t>(length));
    written =
        sqlite3_blob_read(blob, chunk.data(), length, static_cast<int>(offset)) == SQLITE_OK &&
        ::write(fd, chunk.data(), chunk.size()) == length;
  }
  written = written && ::fsync(fd) == 0;
  ::close(fd);
  if (!written) return std::unexpected("cannot write " + target.string());
  return {};
}

// A backup to read: an SQLite file whose `sqlar` is a plain table, read with
// the schema distrusted (no view, trigger or function of the file's runs).
std::expected<Db, std::string> open_archive(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    return std::unexpected(file.string() + " is not a regular file");
  }
  auto archive = open_db(file, SQLITE_OPEN_READONLY);
  if (!archive) return std::unexpected(archive.error());
  sqlite3_db_config(archive->get(), SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_db_config(archive->get(), SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_stmt* raw = nullptr;
  sqlite3_prepare_v2(archive->get(),
                     "SELECT 1 FROM sqlite_schema WHERE name = 'sqlar' AND type = 'table'", -1,
                     &raw, nullptr);
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> select(raw, &sqlite3_finalize);
  if (!select || sqlite3_step(raw) != SQLITE_ROW) {
    return std::unexpected(file.string() + " is not a Schakel backup (no sqlar table)");
  }
  return archive;
}

// Every entry's name: the manifest, region.sqlite and trail/<segment> only.
std::expected<std::vector<std::string>, std::string> segment_entries(sqlite3* archive) {
  sqlite3_stmt* raw = nullptr;
  sqlite3_prepare_v2(archive, "SELECT name FROM sqlar ORDER BY name", -1, &raw, nullptr);
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> select(raw, &sqlite3_finalize);
  if (!select) return std::unexpected("not a Schakel backup (no sqlar table)");
  std::vector<std::string> segments;
  while (sqlite3_step(raw) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
    const std::string name = text ? text : "";
    if (name == kManifest || name == kRegionState) continue;
    if (!name.starts_with(kTrailPrefix) || !is_segment_name(name.substr(6))) {
      return std::unexpected("the backup holds an entry that is no part of a trail");
    }
    segments.push_back(name.substr(6));
  }
  return segments;
}

// A data directory to restore into: no region state, and a trail directory
// (if any) holding nothing but its LOCK file — nothing of anyone's is removed.
std::expected<void, std::string> empty_target(const gateway::Settings& settings) {
  const auto refuse = [&settings](const std::string& what) {
    return std::unexpected("the data directory " + settings.data_dir.string() + " holds " + what +
                           "; restore into an empty one (move it away first)");
  };
  std::error_code ec;
  if (std::filesystem::exists(settings.data_dir / kRegionState, ec)) return refuse("region state");
  if (std::filesystem::exists(settings.data_dir / kStaging, ec)) {
    return refuse(std::string(kStaging) + "/, left by a restore that stopped");
  }
  const auto trail = gateway::trail_directory(settings);
  if (!std::filesystem::exists(trail, ec)) return {};
  for (const auto& entry : std::filesystem::directory_iterator(trail, ec)) {
    if (entry.path().filename() != "LOCK") return refuse("a trail");
  }
  if (ec) return refuse("a trail it cannot read");
  return {};
}

std::expected<RestoreSummary, std::string> unpack_and_verify(sqlite3* archive,
                                                             const std::filesystem::path& staging,
                                                             const crypto::PublicKey& key) {
  auto segments = segment_entries(archive);
  if (!segments) return std::unexpected(segments.error());
  if (segments->empty()) return std::unexpected("the backup holds no trail");
  for (const auto& segment : *segments) {
    if (auto ok = extract(archive, kTrailPrefix + segment, staging / segment); !ok) {
      return std::unexpected(ok.error());
    }
  }
  auto report = audit::verify_chain(staging, key);
  if (!report) return std::unexpected("the backup's trail cannot be read: " + report.error());
  if (report->first_bad_sequence != 0 || report->torn_bytes != 0 || !report->signatures_checked) {
    return std::unexpected("the backup's trail does not verify at sequence " +
                           std::to_string(report->first_bad_sequence) + ": " + report->problem);
  }
  if (report->last_checkpoint_sequence == 0) {  // `audit backup` signs one first
    return std::unexpected(
        "the backup's trail holds no signed checkpoint: nothing shows whose it is");
  }
  RestoreSummary summary{report->records, report->last_checkpoint_sequence, false};
  sqlite3_stmt* raw = nullptr;
  sqlite3_prepare_v2(archive, "SELECT 1 FROM sqlar WHERE name = 'region.sqlite'", -1, &raw,
                     nullptr);
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> select(raw, &sqlite3_finalize);
  summary.region_state = select && sqlite3_step(raw) == SQLITE_ROW;
  if (!summary.region_state) return summary;
  const auto state = staging / kRegionState;
  if (auto ok = extract(archive, kRegionState, state); !ok) return std::unexpected(ok.error());
  auto db = open_db(state, SQLITE_OPEN_READONLY);
  if (!db) return std::unexpected(db.error());
  sqlite3_stmt* check = nullptr;
  sqlite3_prepare_v2(db->get(), "PRAGMA integrity_check", -1, &check, nullptr);
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> checked(check, &sqlite3_finalize);
  const bool ok = check && sqlite3_step(check) == SQLITE_ROW &&
                  std::string(reinterpret_cast<const char*>(sqlite3_column_text(check, 0))) == "ok";
  if (!ok) return std::unexpected("the backup's region state fails SQLite's integrity check");
  return summary;
}

}  // namespace

std::expected<BackupSummary, std::string> write_backup(const gateway::Settings& settings,
                                                       const std::filesystem::path& to) {
  if (settings.store.kind == gateway::StoreSettings::Kind::kPostgresql) {
    return std::unexpected(
        "the trail is in PostgreSQL: back it up with pg_basebackup or pg_dump "
        "(docs/operations.md)");
  }
  std::error_code ec;
  if (std::filesystem::exists(to, ec)) {
    return std::unexpected(to.string() + " exists; give a new file");
  }
  const auto partial = std::filesystem::path(to.string() + ".partial");
  if (!make_new_file(partial)) {
    return std::unexpected(partial.string() +
                           " exists or cannot be made: another backup is writing it, or one "
                           "stopped (remove it)");
  }
  auto summary = write_archive(settings, partial);
  if (summary && !sync_file(partial)) summary = std::unexpected("cannot sync " + partial.string());
  if (summary && ::link(partial.c_str(), to.c_str()) != 0) {  // never over a file made meanwhile
    summary = std::unexpected("cannot create " + to.string());
  }
  std::filesystem::remove(partial, ec);  // made above by this backup
  return summary;
}

std::expected<RestoreSummary, std::string> restore_backup(const gateway::Settings& settings,
                                                          const std::filesystem::path& from,
                                                          const crypto::PublicKey& checkpoint_key) {
  if (settings.store.kind == gateway::StoreSettings::Kind::kPostgresql) {
    return std::unexpected("the trail is in PostgreSQL: restore it with PostgreSQL's own tools");
  }
  if (auto ok = empty_target(settings); !ok) return std::unexpected(ok.error());
  auto archive = open_archive(from);
  if (!archive) return std::unexpected(archive.error());
  std::error_code ec;
  const bool made_data_dir = !std::filesystem::exists(settings.data_dir, ec);
  if (auto ok = gateway::ensure_data_dir(settings); !ok) return std::unexpected(ok.error());
  const auto staging = settings.data_dir / kStaging;
  std::filesystem::create_directory(staging, ec);
  if (ec) return std::unexpected("cannot create " + staging.string() + ": " + ec.message());
  ::chmod(staging.c_str(), 0700);
  auto summary = unpack_and_verify(archive->get(), staging, checkpoint_key);
  if (!summary) {
    std::filesystem::remove_all(staging, ec);  // only what this restore wrote
    if (made_data_dir) std::filesystem::remove(settings.data_dir, ec);
    return summary;
  }
  const auto trail = gateway::trail_directory(settings);
  std::filesystem::remove(trail / "LOCK", ec);
  std::filesystem::remove(trail, ec);  // empty now (empty_target)
  if (summary->region_state) {
    std::filesystem::rename(staging / kRegionState, settings.data_dir / kRegionState, ec);
    if (ec) return std::unexpected("cannot move the region state into place: " + ec.message());
  }
  std::filesystem::rename(staging, trail, ec);
  if (ec) return std::unexpected("cannot move the trail into place: " + ec.message());
  return summary;
}

}  // namespace schakel::cli
