#include "audit/verify.hpp"

#include <nlohmann/json.hpp>

#include "audit/record.hpp"
#include "audit/sqlite_util.hpp"

namespace schakel::audit {
namespace {

struct Row {
  std::uint64_t sequence;
  std::string body;
  std::string prev_hash;
  std::string hash;
};

// Why this row does not continue the chain, or empty when it does.
std::string check_row(const Row& row, std::uint64_t expected_sequence,
                      const std::string& expected_prev) {
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
  return {};
}

}  // namespace

std::expected<VerifyReport, std::string> verify_chain(const std::filesystem::path& database) {
  if (!std::filesystem::exists(database)) {
    return std::unexpected("no audit database at " + database.string());
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(database.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string message = db ? error_text(db) : "out of memory";
    sqlite3_close(db);
    return std::unexpected("cannot open " + database.string() + ": " + message);
  }
  VerifyReport report;
  std::string previous(kGenesisHash);
  std::uint64_t expected_sequence = 1;
  {
    Statement rows(db,
                   "SELECT sequence, body, prev_hash, hash FROM audit_record ORDER BY sequence");
    if (!rows.ok()) {
      std::string message = error_text(db);
      sqlite3_close(db);
      return std::unexpected("cannot read " + database.string() + ": " + message);
    }
    while (rows.step() == SQLITE_ROW) {
      Row row{static_cast<std::uint64_t>(rows.integer(0)), rows.text(1), rows.text(2),
              rows.text(3)};
      if (auto problem = check_row(row, expected_sequence, previous); !problem.empty()) {
        report.first_bad_sequence = expected_sequence;
        report.problem = problem;
        break;
      }
      ++report.records;
      ++expected_sequence;
      previous = row.hash;
    }
  }
  report.head_hash = previous;
  sqlite3_close(db);
  return report;
}

}  // namespace schakel::audit
