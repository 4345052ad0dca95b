#pragma once
// Reading the trail for privacy officers and for retention. Filters combine
// (AND) and are applied to the hashed record bodies themselves, while the
// whole chain is verified in the same pass (verify.hpp); neither answers from
// a trail that is not intact. Times are ISO 8601 UTC strings compared as
// text. Read-only: the gateway may append meanwhile.
#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/trail_source.hpp"

namespace schakel::audit {

struct QueryFilter {
  std::optional<std::vector<std::string>> subject_tokens;  // any of these
  std::optional<std::string> partner;                      // OIN as sender or recipient
  std::optional<std::string> purpose;
  std::optional<std::string> outcome;
  std::optional<std::string> from;  // start_time >= from
  std::optional<std::string> to;    // start_time < to
  std::size_t limit = 10'000;
  std::optional<std::uint64_t> sequence = std::nullopt;  // one record
  std::optional<std::string> kind = std::nullopt;        // "decision", "policy-reload", ...
  std::optional<std::string> transaction_id = std::nullopt;
};

struct QueriedRecord {
  std::uint64_t sequence = 0;
  nlohmann::json body;
};

[[nodiscard]] std::expected<std::vector<QueriedRecord>, std::string> query_records(
    const TrailSource& trail, const QueryFilter& filter);
// The embedded log's directory of segments (gateway::trail_directory).
[[nodiscard]] std::expected<std::vector<QueriedRecord>, std::string> query_records(
    const std::filesystem::path& trail, const QueryFilter& filter);

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
    const TrailSource& trail, const std::string& now,
    const std::function<int(const std::string& purpose)>& retention_days);

// The start_time of the trail's oldest record (after a prune: the oldest kept),
// or nothing when the trail holds no record.
[[nodiscard]] std::expected<std::optional<std::string>, std::string> oldest_record_time(
    const TrailSource& trail);

}  // namespace schakel::audit
