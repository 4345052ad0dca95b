#pragma once
// Reading the trail for privacy officers and for retention. Filters combine
// (AND); times are ISO 8601 UTC strings compared as text. Read-only. Both
// verify the whole chain — every query column against its hashed record —
// in the same read transaction first, and refuse to answer from a trail that
// is not intact: an altered column can neither hide records nor add them.
#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace schakel::audit {

struct QueryFilter {
  std::optional<std::vector<std::string>> subject_tokens;  // any of these
  std::optional<std::string> partner;                      // OIN as sender or recipient
  std::optional<std::string> purpose;
  std::optional<std::string> outcome;
  std::optional<std::string> from;  // start_time >= from
  std::optional<std::string> to;    // start_time < to
  std::size_t limit = 10'000;
};

struct QueriedRecord {
  std::uint64_t sequence = 0;
  nlohmann::json body;
};

[[nodiscard]] std::expected<std::vector<QueriedRecord>, std::string> query_records(
    const std::filesystem::path& database, const QueryFilter& filter);

// The last sequence of the longest prefix of the trail in which every record
// is past its retention at `now` ("YYYY-MM-DD"); 0 when none is. A record's
// retention in days comes from its purpose (`retention_days`), and the
// first record still kept is reported in `first_kept_time`.
struct PrunePlan {
  std::uint64_t cut = 0;
  std::uint64_t records = 0;
  std::string first_kept_time;
};
[[nodiscard]] std::expected<PrunePlan, std::string> plan_prune(
    const std::filesystem::path& database, const std::string& now,
    const std::function<int(const std::string& purpose)>& retention_days);

}  // namespace schakel::audit
