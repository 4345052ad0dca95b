#include "gateway/state.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>

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
                                                       const audit::LogStore& trail,
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
  if (trail.head_sequence() < last->sequence) {
    return std::unexpected("the trail " + trail_directory(settings).string() +
                           " ends at sequence " + std::to_string(trail.head_sequence()) +
                           ", but the witness " + settings.audit.witness.string() +
                           " holds a signed checkpoint at " + std::to_string(last->sequence) +
                           advice);
  }
  // The record there must be the one the witness signed: a trail replaced by
  // a longer one is no continuation of it.
  auto hash = audit::record_hash_at(trail_directory(settings), last->sequence);
  if (!hash) return std::unexpected(hash.error());
  if (*hash && **hash != last->head_hash) {
    return std::unexpected("the trail's record " + std::to_string(last->sequence) +
                           " differs from the one the witness " + settings.audit.witness.string() +
                           " holds" + advice);
  }
  return {};
}

}  // namespace

std::expected<std::unique_ptr<audit::LogStore>, std::string> open_trail(
    const Settings& settings, const crypto::PublicKey& audit_key) {
  if (auto made = ensure_data_dir(settings); !made) return std::unexpected(made.error());
  auto trail = audit::LogStore::open({.directory = trail_directory(settings),
                                      .segment_bytes = settings.audit.segment_megabytes << 20,
                                      .skip_fsync = settings.audit.unsafe_skip_fsync,
                                      .lock_timeout = settings.timeouts.audit_busy});
  if (!trail) return std::unexpected(trail.error());
  if (auto checked = check_against_witness(settings, **trail, audit_key); !checked) {
    return std::unexpected(checked.error());
  }
  return trail;
}

std::expected<std::uint64_t, std::string> append_signed(const Settings& settings,
                                                        audit::LogStore& trail,
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
