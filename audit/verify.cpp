#include "audit/verify.hpp"

#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "audit/record.hpp"
#include "audit/sqlite_util.hpp"
#include "crypto/encoding.hpp"

namespace schakel::audit {
namespace {

struct Row {
  std::uint64_t sequence;
  std::string body;
  std::string prev_hash;
  std::string hash;
};

using Checkpoints = std::map<std::uint64_t, Checkpoint>;

// Why this row does not continue the chain, or empty when it does.
std::string check_row(const Row& row, std::uint64_t expected_sequence,
                      const std::string& expected_prev, const Checkpoints& checkpoints) {
  if (row.sequence != expected_sequence) {
    return "expected sequence " + std::to_string(expected_sequence) + ", found " +
           std::to_string(row.sequence) + " (record missing or inserted)";
  }
  if (row.prev_hash != expected_prev) return "prev_hash does not match the previous record";
  if (chain_hash(row.prev_hash, row.body) != row.hash) return "hash does not match the record body";
  auto body = nlohmann::json::parse(row.body, nullptr, false);
  if (body.is_discarded() || body.value("sequence", std::uint64_t{0}) != row.sequence ||
      body.value("prev_hash", std::string()) != row.prev_hash) {
    return "record body disagrees with its sequence or prev_hash";
  }
  if (auto it = checkpoints.find(row.sequence);
      it != checkpoints.end() && it->second.head_hash != row.hash) {
    return "record differs from the signed checkpoint at this sequence";
  }
  return {};
}

Checkpoints read_checkpoints(sqlite3* db) {
  Checkpoints checkpoints;
  Statement rows(db, "SELECT sequence, head_hash, time, signature FROM audit_checkpoint");
  if (!rows.ok()) return checkpoints;  // a trail from before checkpoints existed
  while (rows.step() == SQLITE_ROW) {
    Checkpoint checkpoint{static_cast<std::uint64_t>(rows.integer(0)), rows.text(1), rows.text(2),
                          rows.text(3)};
    checkpoints.emplace(checkpoint.sequence, std::move(checkpoint));
  }
  return checkpoints;
}

void fail(VerifyReport& report, std::uint64_t sequence, std::string problem) {
  report.first_bad_sequence = sequence;
  report.problem = std::move(problem);
}

// The chain's start: genesis, or the signed cut a prune left.
bool check_start(VerifyReport& report, const Row& first, const Checkpoints& checkpoints,
                 std::string& previous) {
  if (first.sequence == 1) return true;
  auto cut = checkpoints.find(first.sequence - 1);
  if (cut == checkpoints.end() || cut->second.head_hash != first.prev_hash) {
    fail(report, first.sequence,
         "the trail starts at sequence " + std::to_string(first.sequence) +
             " without a signed checkpoint at " + std::to_string(first.sequence - 1) +
             " (records deleted)");
    return false;
  }
  previous = first.prev_hash;
  return true;
}

}  // namespace

std::expected<VerifyReport, std::string> verify_chain(const std::filesystem::path& database,
                                                      const std::optional<PublicKey>& key,
                                                      const VerifyProgress& progress,
                                                      std::uint64_t progress_every) {
  auto db = ReadOnlyDatabase::open(database);
  if (!db) return std::unexpected(db.error());
  const Checkpoints checkpoints = read_checkpoints(db->get());
  VerifyReport report;
  report.checkpoints = checkpoints.size();
  report.signatures_checked = key.has_value();
  if (key) {
    for (const auto& [sequence, checkpoint] : checkpoints) {
      if (!signature_valid(checkpoint, *key)) {
        fail(report, sequence, "the checkpoint at this sequence has no valid signature");
        return report;
      }
    }
  }
  std::string previous(kGenesisHash);
  std::uint64_t expected_sequence = 0;
  Statement rows(db->get(),
                 "SELECT sequence, body, prev_hash, hash FROM audit_record ORDER BY sequence");
  if (!rows.ok()) return std::unexpected("cannot read " + database.string());
  while (rows.step() == SQLITE_ROW) {
    Row row{static_cast<std::uint64_t>(rows.integer(0)), rows.text(1), rows.text(2), rows.text(3)};
    if (expected_sequence == 0) {
      if (!check_start(report, row, checkpoints, previous)) return report;
      expected_sequence = report.first_sequence = row.sequence;
    }
    if (auto problem = check_row(row, expected_sequence, previous, checkpoints); !problem.empty()) {
      fail(report, expected_sequence, problem);
      return report;
    }
    ++report.records;
    if (progress && report.records % progress_every == 0) progress(report.records);
    ++expected_sequence;
    previous = row.hash;
  }
  report.head_hash = previous;
  const std::uint64_t last = expected_sequence == 0 ? 0 : expected_sequence - 1;
  if (!checkpoints.empty() && checkpoints.rbegin()->first > last) {
    fail(report, last + 1,
         "truncated: a signed checkpoint covers sequence " +
             std::to_string(checkpoints.rbegin()->first) + " but the trail ends at " +
             std::to_string(last));
  }
  return report;
}

std::expected<PublicKey, std::string> read_public_key(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string line;
  if (!in || !std::getline(in, line)) return std::unexpected("cannot read " + file.string());
  auto bytes = line.starts_with("ed25519:") ? crypto::from_hex(line.substr(8)) : std::nullopt;
  if (!bytes || bytes->size() != 32) {
    return std::unexpected(file.string() + ": expected ed25519:HEX (64 hex digits)");
  }
  PublicKey key{};
  std::copy(bytes->begin(), bytes->end(), key.begin());
  return key;
}

}  // namespace schakel::audit
