#include "audit/query.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "audit/sqlite_util.hpp"
#include "audit/verify.hpp"

namespace schakel::audit {
namespace {

std::string placeholders(std::size_t count) {
  std::string text;
  for (std::size_t i = 0; i < count; ++i) text += i ? ", ?" : "?";
  return text;
}

// "YYYY-MM-DD" plus days, as "YYYY-MM-DD".
std::string add_days(const std::string& date, int days) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (std::sscanf(date.c_str(), "%d-%u-%u", &y, &m, &d) != 3) return date;
  const std::chrono::sys_days day =
      std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d};
  const std::chrono::year_month_day later{day + std::chrono::days{days}};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(later.year()),
                static_cast<unsigned>(later.month()), static_cast<unsigned>(later.day()));
  return text;
}

// Opens the database for reading in one transaction (a consistent snapshot)
// and verifies the whole trail in it, columns included: what the caller then
// reads is what the chain covers, or it gets an error naming the first bad record.
std::expected<ReadOnlyDatabase, std::string> open_verified(const std::filesystem::path& database) {
  auto db = ReadOnlyDatabase::open(database);
  if (!db) return std::unexpected(db.error());
  if (auto ok = exec(db->get(), "BEGIN"); !ok) return std::unexpected(ok.error());
  auto report = verify_chain(*db);
  if (!report) return std::unexpected(report.error());
  if (!report->intact()) {
    return std::unexpected("the trail is not intact at sequence " +
                           std::to_string(report->first_bad_sequence) + " (" + report->problem +
                           "); run `schakel audit verify` — nothing is read from an altered trail");
  }
  return db;
}

}  // namespace

std::expected<std::vector<QueriedRecord>, std::string> query_records(
    const std::filesystem::path& database, const QueryFilter& filter) {
  auto db = open_verified(database);
  if (!db) return std::unexpected(db.error());
  std::string sql = "SELECT sequence, body FROM audit_record WHERE 1 = 1";
  std::vector<std::string> values;  // one per "?", in order
  auto add = [&](const std::string& clause, const std::string& value) {
    sql += " AND " + clause;
    values.insert(values.end(), std::ranges::count(clause, '?'), value);
  };
  if (filter.subject_tokens) {
    sql += " AND subject_token IN (" + placeholders(filter.subject_tokens->size()) + ")";
    values.insert(values.end(), filter.subject_tokens->begin(), filter.subject_tokens->end());
  }
  if (filter.partner) add("(sender = ? OR recipient = ?)", *filter.partner);
  if (filter.purpose) add("purpose = ?", *filter.purpose);
  if (filter.outcome) add("outcome = ?", *filter.outcome);
  if (filter.from) add("start_time >= ?", *filter.from);
  if (filter.to) add("start_time < ?", *filter.to);
  sql += " ORDER BY sequence LIMIT " + std::to_string(filter.limit);
  Statement rows(db->get(), sql);
  if (!rows.ok()) return std::unexpected("cannot query: " + error_text(db->get()));
  for (std::size_t i = 0; i < values.size(); ++i) rows.bind(static_cast<int>(i + 1), values[i]);
  std::vector<QueriedRecord> out;
  while (rows.step() == SQLITE_ROW) {
    out.push_back({static_cast<std::uint64_t>(rows.integer(0)),
                   nlohmann::json::parse(rows.text(1), nullptr, false)});
  }
  return out;
}

std::expected<PrunePlan, std::string> plan_prune(
    const std::filesystem::path& database, const std::string& now,
    const std::function<int(const std::string& purpose)>& retention_days) {
  auto db = open_verified(database);
  if (!db) return std::unexpected(db.error());
  PrunePlan plan;
  Statement rows(db->get(),
                 "SELECT sequence, purpose, start_time FROM audit_record ORDER BY sequence");
  while (rows.ok() && rows.step() == SQLITE_ROW) {
    const std::string start = rows.text(2);
    const std::string expires = add_days(start.substr(0, 10), retention_days(rows.text(1)));
    if (expires > now) {
      plan.first_kept_time = start;
      break;
    }
    plan.cut = static_cast<std::uint64_t>(rows.integer(0));
    ++plan.records;
  }
  return plan;
}

}  // namespace schakel::audit
