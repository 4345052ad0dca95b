#pragma once
// What the console's overview and policy pages count from the trail (issue
// 16), in one verified pass (audit/verify.hpp): counts only, never a person —
// messages allowed per day (the last `days` days up to `today`) per purpose
// and per sending partner, messages per sending partner, refusals per rule,
// failed deliveries per recipient; and the policy: the hash the gateway's
// newest decision (or applied reload) was made under — not a console's or an
// operator's record, which carry their own process's hash — and every policy
// reload. Nothing is counted from a trail that is not intact.
#include <cstdint>
#include <expected>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "audit/trail_source.hpp"
#include "common/calendar.hpp"
#include "gateway/settings.hpp"

namespace schakel::console {

struct PolicyReload {
  std::string time;
  std::string outcome;  // reloaded | refused
  std::string old_hash;
  std::string new_hash;
};

struct TrailStats {
  std::vector<std::string> days;                                      // "YYYY-MM-DD", oldest first
  std::map<std::string, std::vector<std::uint64_t>> allowed_per_day;  // purpose -> per day
  std::map<std::string, std::vector<std::uint64_t>> sent_per_day;     // sender OIN -> per day
  std::map<std::string, std::uint64_t> messages_by_sender;            // OIN -> decisions
  std::map<std::string, std::uint64_t> refusals_by_rule;              // rule (or problem)
  std::map<std::string, std::uint64_t> failures_by_recipient;         // OIN -> failed deliveries
  std::string policy_in_force;  // newest decision's or applied reload's hash
  std::vector<PolicyReload> reloads;
  std::uint64_t records = 0;
};

[[nodiscard]] std::expected<TrailStats, std::string> trail_stats(const audit::TrailSource& trail,
                                                                 calendar::Date today, int days);

// trail_stats of the trail the settings name, through today.
[[nodiscard]] std::expected<TrailStats, std::string> counted(const gateway::Settings& settings,
                                                             int days);

}  // namespace schakel::console
