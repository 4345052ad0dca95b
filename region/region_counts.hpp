#pragma once
// The region's work in counts, for the console (issue 16): never a person,
// never a contact point — per purpose the active signals and the matches
// between them, the open cases per level, and per recipient the open
// handovers with the age of the oldest. Read on its own connection (a WAL
// reader beside the running gateway).
#include <cstdint>
#include <expected>
#include <map>
#include <string>
#include <utility>

#include "region/sqlite_db.hpp"

namespace schakel::region {

struct RegionCounts {
  std::map<std::string, std::int64_t> active_signals;              // purpose -> count
  std::map<std::string, std::int64_t> matches;                     // purpose -> count
  std::map<std::pair<std::string, int>, std::int64_t> open_cases;  // (purpose, level) -> count
  std::map<std::string, std::pair<std::int64_t, std::int64_t>>
      open_handovers;  // recipient -> (count, oldest queued_unix)
};

// `today`: "YYYY-MM-DD" (a signal active until today counts).
[[nodiscard]] std::expected<RegionCounts, std::string> count_region_work(SharedDatabase& db,
                                                                         const std::string& today);

}  // namespace schakel::region
