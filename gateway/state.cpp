#include "gateway/state.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>

#include "audit/log_store.hpp"
#include "audit/pg_trail_store.hpp"
#include "audit/witness.hpp"

namespace schakel::gateway {

std::expected<void, std::string> ensure_data_dir(const Settings& settings) {
  std::error_code ec;
  std::filesystem::create_directories(settings.data_dir, ec);
  if (ec) {
    return std::unexpected("cannot create data directory " + settings.data_dir.string() + ": " +
                           ec.message());
  }
  if (::chmod(settings.data_dir.c_str(), 0700) != 0) {
    return std::unexpected("cannot make data directory " + settings.data_dir.string() +
                           " owner-only: " + std::strerror(errno));
  }
  return {};
}

namespace {

// The trail against the witness's last validly signed checkpoint.
std::expected<void, std::string> check_against_witness(const Settings& settings,
                                                       const crypto::PublicKey& audit_key) {
  std::error_code ec;
  if (settings.audit.witness.empty() || !std::filesystem::exists(settings.audit.witness, ec)) {
    return {};
  }
  auto witnessed = audit::read_witness(settings.audit.witness);
  if (!witnessed) return std::unexpected(witnessed.error());
  // Highest sequence first, so that a start checks one signature, not one per
  // line of a witness that grows with every checkpoint.
  std::ranges::sort(*witnessed, std::greater{}, &audit::Checkpoint::sequence);
  const auto found = std::ranges::find_if(*witnessed, [&](const audit::Checkpoint& checkpoint) {
    return audit::signature_valid(checkpoint, audit_key);  // a line not ours proves nothing
  });
  if (found == witnessed->end()) return {};
  const audit::Checkpoint* last = &*found;
  const std::string advice =
      "; restore the trail from a backup, or see `schakel audit verify --witness`";
  auto trail = open_trail_source(settings);
  if (!trail) return std::unexpected(trail.error());
  auto head = (*trail)->head_sequence();
  if (!head) return std::unexpected(head.error());
  if (*head < last->sequence) {
    return std::unexpected((*trail)->name() + " ends at sequence " + std::to_string(*head) +
                           ", but the witness " + settings.audit.witness.string() +
                           " holds a signed checkpoint at " + std::to_string(last->sequence) +
                           advice);
  }
  // The record there must be the one the witness signed: a trail replaced by
  // a longer one is no continuation of it.
  auto hash = (*trail)->record_hash_at(last->sequence);
  if (!hash) return std::unexpected(hash.error());
  if (*hash && **hash != last->head_hash) {
    return std::unexpected("the trail's record " + std::to_string(last->sequence) +
                           " differs from the one the witness " + settings.audit.witness.string() +
                           " holds" + advice);
  }
  return {};
}

// A small secret file: regular, not a link, readable by its owner only.
std::expected<std::string, std::string> read_owner_only(const std::filesystem::path& file) {
  const std::string what = "the database password file " + file.string();
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return std::unexpected("cannot read " + what + ": " + std::strerror(errno));
  struct stat info {};
  std::string text(4097, '\0');
  ssize_t got = -1;
  if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && (info.st_mode & 077) == 0) {
    got = ::read(fd, text.data(), text.size());
  }
  ::close(fd);
  if (!S_ISREG(info.st_mode) || (info.st_mode & 077) != 0) {
    return std::unexpected(what + " must be a regular file only its owner can read (chmod 600)");
  }
  if (got < 0 || got > 4096) return std::unexpected("cannot read " + what + " (at most 4 KiB)");
  text.resize(static_cast<std::size_t>(got));
  return text;
}

}  // namespace

std::expected<pg::Options, std::string> postgresql_options(const Settings& settings,
                                                           std::string application_name) {
  pg::Options options{settings.store.conninfo, std::nullopt, std::move(application_name),
                      settings.store.timeout};
  if (settings.store.password_file.empty()) return options;
  const auto& file = settings.store.password_file;
  auto text = read_owner_only(file);
  if (!text) return std::unexpected(text.error());
  std::string password = std::move(*text);
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) {
    password.pop_back();
  }
  if (password.empty() || password.find_first_of("\r\n") != std::string::npos ||
      password.find('\0') != std::string::npos) {
    return std::unexpected("the database password file " + file.string() +
                           " must hold one line: the password");
  }
  options.password = std::move(password);
  return options;
}

std::expected<std::shared_ptr<region::SharedDatabase>, std::string> open_region_state(
    const Settings& settings, std::chrono::milliseconds lock_timeout, bool existing_only) {
  if (settings.store.kind == StoreSettings::Kind::kPostgresql) {
    auto options = postgresql_options(settings, "schakel-region");
    if (!options) return std::unexpected(options.error());
    return region::open_region_postgresql(std::move(*options), lock_timeout);
  }
  const auto file = settings.data_dir / "region.sqlite";
  std::error_code ec;
  if (existing_only && !std::filesystem::exists(file, ec)) return nullptr;
  return region::open_region_database(file, lock_timeout);
}

std::expected<std::unique_ptr<audit::TrailSource>, std::string> open_trail_source(
    const Settings& settings) {
  if (settings.store.kind == StoreSettings::Kind::kSqlite) {
    return std::make_unique<audit::LogTrail>(trail_directory(settings));
  }
  auto options = postgresql_options(settings, "schakel-reader");
  if (!options) return std::unexpected(options.error());
  return std::make_unique<audit::PgTrail>(std::move(*options));
}

std::expected<std::unique_ptr<audit::AuditStore>, std::string> open_trail(
    const Settings& settings, const crypto::PublicKey& audit_key) {
  if (auto made = ensure_data_dir(settings); !made) return std::unexpected(made.error());
  std::unique_ptr<audit::AuditStore> store;
  if (settings.store.kind == StoreSettings::Kind::kSqlite) {
    auto trail = audit::LogStore::open({.directory = trail_directory(settings),
                                        .segment_bytes = settings.audit.segment_megabytes << 20,
                                        .skip_fsync = settings.audit.unsafe_skip_fsync,
                                        .lock_timeout = settings.timeouts.audit_busy});
    if (!trail) return std::unexpected(trail.error());
    store = std::move(*trail);
  } else {
    auto options = postgresql_options(settings, "schakel");
    if (!options) return std::unexpected(options.error());
    auto trail = audit::PgTrailStore::open({std::move(*options), settings.timeouts.audit_busy});
    if (!trail) return std::unexpected(trail.error());
    store = std::move(*trail);
  }
  if (auto checked = check_against_witness(settings, audit_key); !checked) {
    return std::unexpected(checked.error());
  }
  return store;
}

std::expected<std::uint64_t, std::string> append_signed(const Settings& settings,
                                                        audit::AuditStore& trail,
                                                        const crypto::KeyStore& keys,
                                                        audit::AuditRecord record) {
  auto sequence = audit::append_one(trail, std::move(record));
  if (!sequence) return std::unexpected(sequence.error());
  auto checkpoint =
      trail.write_checkpoint(audit::ed25519_signer(keys.signing_key().bytes().data()));
  if (!checkpoint) return std::unexpected(checkpoint.error());
  if (!settings.audit.witness.empty()) {
    auto witness = audit::WitnessFile::open(settings.audit.witness);
    auto published = witness ? (*witness)->publish(*checkpoint) : std::unexpected(witness.error());
    if (!published) return std::unexpected(published.error());
  }
  return *sequence;
}

}  // namespace schakel::gateway
