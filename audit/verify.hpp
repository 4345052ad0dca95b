#pragma once
// Offline check of an audit database: every record's sequence follows the
// previous one, its prev_hash is the previous record's hash, its hash is the
// SHA-256 of its stored body, and every column stored beside the body for
// queries (kind, outcome, start_time, transaction_id, sender, recipient,
// purpose, subject_token) equals what the hashed body says. With the exported public key it also checks
// every signed checkpoint: its signature, that the record at its sequence has
// its hash, that the trail does not end before the last checkpoint (a
// truncated tail), and that a pruned trail starts right after a checkpoint.
// Checkpoints from a witness (witness.hpp) count as if they were the
// trail's own, once their signatures verify: a tail deleted together with
// its checkpoints is found. Reads only; needs no secret key.
#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "audit/checkpoint.hpp"

namespace schakel::audit {

struct VerifyReport {
  std::uint64_t records = 0;
  std::uint64_t first_sequence = 0;
  std::uint64_t checkpoints = 0;
  std::uint64_t last_checkpoint_sequence = 0;  // 0 when there is none
  std::uint64_t witnessed = 0;                 // checkpoints taken from a witness
  std::uint64_t last_witnessed_sequence = 0;
  bool signatures_checked = false;
  std::uint64_t first_bad_sequence = 0;  // 0 when intact
  std::string problem;                   // what is wrong at first_bad_sequence
  std::string head_hash;

  [[nodiscard]] bool intact() const { return first_bad_sequence == 0; }
};

// Called with the number of records checked so far, every `progress_every` records.
using VerifyProgress = std::function<void(std::uint64_t records)>;

// `witnessed` needs `key`: an unsigned witness proves nothing.
[[nodiscard]] std::expected<VerifyReport, std::string> verify_chain(
    const std::filesystem::path& database, const std::optional<PublicKey>& key = std::nullopt,
    const VerifyProgress& progress = {}, std::uint64_t progress_every = 100'000,
    std::span<const Checkpoint> witnessed = {});

// The same on a database already open, e.g. inside a read transaction so that
// what is read afterwards is what was verified (query, prune).
class ReadOnlyDatabase;
[[nodiscard]] std::expected<VerifyReport, std::string> verify_chain(
    const ReadOnlyDatabase& db, const std::optional<PublicKey>& key = std::nullopt,
    const VerifyProgress& progress = {}, std::uint64_t progress_every = 100'000,
    std::span<const Checkpoint> witnessed = {});

// Reads "ed25519:HEX" as written by `schakel keys export-public`.
[[nodiscard]] std::expected<PublicKey, std::string> read_public_key(
    const std::filesystem::path& file);

}  // namespace schakel::audit
