#include "region/region_counts.hpp"

namespace schakel::region {
namespace {

// Runs `sql` (binding today as ?1 when it has a parameter), calling `row` per result row.
template <typename Row>
std::expected<void, std::string> each(Database& db, const std::string& sql,
                                      const std::string& today, Row row) {
  auto query = db.prepare(sql);
  if (!query) return std::unexpected(query.error());
  if (sql.find("?1") != std::string::npos) query->bind(1, today);
  for (;;) {
    auto step = query->step();
    if (!step) return std::unexpected(step.error());
    if (!*step) return {};
    row(*query);
  }
}

}  // namespace

std::expected<RegionCounts, std::string> count_region_work(SharedDatabase& shared,
                                                           const std::string& today) {
  std::lock_guard lock(shared.mutex);
  Database& db = shared.db;
  RegionCounts out;
  if (auto done = each(db,
                       "SELECT purpose, COUNT(*) FROM signals WHERE withdrawn_on IS NULL AND "
                       "active_until >= ?1 GROUP BY purpose",
                       today, [&](Statement& r) { out.active_signals[r.text(0)] = r.integer(1); });
      !done) {
    return std::unexpected(done.error());
  }
  if (auto done = each(db,
                       "SELECT s.purpose, COUNT(*) FROM matches m JOIN signals s ON s.id = "
                       "m.signal_a GROUP BY s.purpose",
                       today, [&](Statement& r) { out.matches[r.text(0)] = r.integer(1); });
      !done) {
    return std::unexpected(done.error());
  }
  if (auto done = each(db,
                       "SELECT " + db.json_text("document", "purpose") + ", " +
                           db.json_text("document", "level") + ", COUNT(*) FROM cases WHERE " +
                           db.json_text("document", "closed") + " IS NULL GROUP BY 1, 2",
                       today,
                       [&](Statement& r) {
                         out.open_cases[{r.text(0), static_cast<int>(r.integer(1))}] = r.integer(2);
                       });
      !done) {
    return std::unexpected(done.error());
  }
  if (auto done = each(db,
                       "SELECT recipient_oin, COUNT(*), MIN(queued_unix) FROM queued_messages "
                       "WHERE handover = 1 AND (status = 'queued' OR (status = 'delivered' AND "
                       "answered_unix = 0)) GROUP BY recipient_oin",
                       today,
                       [&](Statement& r) {
                         out.open_handovers[r.text(0)] = {r.integer(1), r.integer(2)};
                       });
      !done) {
    return std::unexpected(done.error());
  }
  return out;
}

}  // namespace schakel::region
