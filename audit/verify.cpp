#include "audit/verify.hpp"

#include <array>
#include <fstream>
#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "audit/record.hpp"
#include "audit/sqlite_util.hpp"
#include "crypto/encoding.hpp"

namespace schakel::audit {
namespace {

// The stored columns of one record. Everything but body, prev_hash and hash
// is a copy for indexes; each copy must equal what the hashed body says.
struct Row {
  std::uint64_t sequence;
  std::string body;
  std::string prev_hash;
  std::string hash;
  std::array<std::string, 8> indexed;  // in the order of kIndexedColumns
  bool all_text = true;                 // every column stored as TEXT (a BLOB is a change)
};

constexpr std::array<const char*, 8> kIndexedColumns{
    "kind", "outcome", "start_time", "transaction_id", "sender", "recipient", "purpose",
    "subject_token"};

std::optional<std::string> body_value(const nlohmann::json& body, std::string_view column) {
  const nlohmann::json* value = nullptr;
  if (column == "subject_token") {
    const auto attributes = body.find("attributes");
    if (attributes != body.end() && attributes->is_object()) {
      const auto token = attributes->find("dpl.core.data_subject_id");
      if (token != attributes->end()) value = &*token;
    }
  } else if (const auto member = body.find(std::string(column)); member != body.end()) {
    value = &*member;
  }
  if (!value || !value->is_string()) return std::nullopt;
  return value->get<std::string>();
}

// The first indexed column that differs from the hashed body, or empty.
std::string differing_column(const Row& row, const nlohmann::json& body) {
  for (std::size_t i = 0; i < kIndexedColumns.size(); ++i) {
    if (row.indexed[i] != body_value(body, kIndexedColumns[i])) return kIndexedColumns[i];
  }
  return {};
}

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
  const auto sequence = body.is_object() ? body.find("sequence") : body.end();
  const auto prev = body.is_object() ? body.find("prev_hash") : body.end();
  if (!body.is_object() || sequence == body.end() || !sequence->is_number_unsigned() ||
      sequence->get<std::uint64_t>() != row.sequence || prev == body.end() ||
      !prev->is_string() || prev->get<std::string>() != row.prev_hash) {
    return "record body disagrees with its sequence or prev_hash";
  }
  if (!row.all_text) return "a stored column is not text";
  if (const auto column = differing_column(row, body); !column.empty()) {
    return "stored column " + column + " differs from the hashed record";
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
                                                      std::uint64_t progress_every,
                                                      std::span<const Checkpoint> witnessed) {
  auto db = ReadOnlyDatabase::open(database);
  if (!db) return std::unexpected(db.error());
  return verify_chain(*db, key, progress, progress_every, witnessed);
}

namespace {

// Adds the witness's checkpoints to the trail's own, each signature checked;
// false (with the report failed) when one is forged or contradicts the trail's.
bool add_witnessed(VerifyReport& report, Checkpoints& checkpoints,
                   std::span<const Checkpoint> witnessed, const PublicKey& key) {
  for (const auto& checkpoint : witnessed) {
    if (!signature_valid(checkpoint, key)) {
      fail(report, checkpoint.sequence,
           "the witnessed checkpoint at this sequence has no valid signature");
      return false;
    }
    auto [it, added] = checkpoints.emplace(checkpoint.sequence, checkpoint);
    if (!added && it->second.head_hash != checkpoint.head_hash) {
      fail(report, checkpoint.sequence,
           "the trail's checkpoint at this sequence differs from the witnessed one");
      return false;
    }
    ++report.witnessed;
    report.last_witnessed_sequence = std::max(report.last_witnessed_sequence, checkpoint.sequence);
  }
  return true;
}

}  // namespace

std::expected<VerifyReport, std::string> verify_chain(const ReadOnlyDatabase& db,
                                                      const std::optional<PublicKey>& key,
                                                      const VerifyProgress& progress,
                                                      std::uint64_t progress_every,
                                                      std::span<const Checkpoint> witnessed) {
  if (!witnessed.empty() && !key) {
    return std::unexpected(std::string("a witness can be checked only with the public key"));
  }
  Checkpoints checkpoints = read_checkpoints(db.get());
  VerifyReport report;
  report.checkpoints = checkpoints.size();
  if (!checkpoints.empty()) report.last_checkpoint_sequence = checkpoints.rbegin()->first;
  report.signatures_checked = key.has_value();
  if (key) {
    for (const auto& [sequence, checkpoint] : checkpoints) {
      if (!signature_valid(checkpoint, *key)) {
        fail(report, sequence, "the checkpoint at this sequence has no valid signature");
        return report;
      }
    }
    if (!add_witnessed(report, checkpoints, witnessed, *key)) return report;
  }
  std::string previous(kGenesisHash);
  std::uint64_t expected_sequence = 0;
  Statement rows(db.get(),
                 "SELECT sequence, body, prev_hash, hash, kind, outcome, start_time, transaction_id, "
                 "sender, recipient, purpose, subject_token FROM audit_record ORDER BY sequence");
  if (!rows.ok()) return std::unexpected("cannot read the audit database: " + error_text(db.get()));
  while (rows.step() == SQLITE_ROW) {
    // Types first: reading a column as text converts it (SQLite then reports TEXT).
    bool all_text = true;
    for (int column = 1; column < 12; ++column) all_text = all_text && rows.is_text(column);
    Row row{static_cast<std::uint64_t>(rows.integer(0)), rows.text(1), rows.text(2), rows.text(3),
            {}};
    for (std::size_t i = 0; i < kIndexedColumns.size(); ++i) {
      row.indexed[i] = rows.text(static_cast<int>(4 + i));
    }
    row.all_text = all_text;
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
