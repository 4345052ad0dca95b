#pragma once
// Offline check of the audit trail (trail_source.hpp): every record frame's
// sequence follows the previous one, its body's sequence and prev_hash say
// the same, and its chain hash is SHA-256 of the previous hash and its body
// — so no record can be altered, removed or inserted without a break here.
// Every checkpoint frame must agree with its signed line. With the exported
// public key it also checks every signed checkpoint: its signature, that the
// record at its sequence has its hash, that the trail does not end before the
// last checkpoint (a truncated tail), and that a pruned trail starts right
// after a checkpoint. Checkpoints from a witness (witness.hpp) count as if
// they were the trail's own, once their signatures verify: a tail deleted
// together with its checkpoints is found; a trail may start after 1 only at
// a prune's signed cut. Bytes after the newest segment's last whole frame
// that can be a torn write (trail_frame.hpp, torn_write: a batch being
// written, or cut short by a crash) are reported (`torn_bytes`), not
// verified; any other bytes that are no frame make the trail broken, and a
// segment that cannot be read is an error. Reads only; needs no secret key.
#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "audit/checkpoint.hpp"
#include "audit/trail_source.hpp"

namespace schakel::audit {

struct VerifyReport {
  std::uint64_t records = 0;
  std::uint64_t first_sequence = 0;
  std::uint64_t checkpoints = 0;
  std::uint64_t last_checkpoint_sequence = 0;  // 0 when there is none
  std::uint64_t witnessed = 0;                 // checkpoints taken from a witness
  std::uint64_t last_witnessed_sequence = 0;
  std::uint64_t torn_bytes = 0;
  bool signatures_checked = false;
  std::uint64_t first_bad_sequence = 0;  // 0 when intact
  std::string problem;                   // what is wrong at first_bad_sequence
  std::string head_hash;

  [[nodiscard]] bool intact() const { return first_bad_sequence == 0; }
};

// Called with the number of records checked so far, every `progress_every` records.
using VerifyProgress = std::function<void(std::uint64_t records)>;
// Called with each record that continues the chain, in order, before the
// next is read. A caller must discard what it saw unless the report is intact.
using RecordVisitor = std::function<void(std::uint64_t sequence, const nlohmann::json& body)>;

struct VerifyOptions {
  std::optional<crypto::PublicKey> key;
  std::span<const Checkpoint> witnessed;  // needs `key`: an unsigned witness proves nothing
  VerifyProgress progress;
  std::uint64_t progress_every = 100'000;
  RecordVisitor visit;
};

[[nodiscard]] std::expected<VerifyReport, std::string> verify_trail(const TrailSource& trail,
                                                                    const VerifyOptions& options);
// The embedded log's directory of segments (gateway::trail_directory).
[[nodiscard]] std::expected<VerifyReport, std::string> verify_trail(
    const std::filesystem::path& trail, const VerifyOptions& options);

[[nodiscard]] inline std::expected<VerifyReport, std::string> verify_chain(
    const std::filesystem::path& trail, const std::optional<crypto::PublicKey>& key = std::nullopt,
    const VerifyProgress& progress = {}, std::uint64_t progress_every = 100'000,
    std::span<const Checkpoint> witnessed = {}) {
  return verify_trail(trail, {key, witnessed, progress, progress_every, {}});
}

// Reads "ed25519:HEX" as written by `schakel keys export-public`.
[[nodiscard]] std::expected<crypto::PublicKey, std::string> read_public_key(
    const std::filesystem::path& file);

}  // namespace schakel::audit
