#include "console/trail_stats.hpp"

#include <chrono>

#include "audit/verify.hpp"
#include "gateway/state.hpp"

namespace schakel::console {
namespace {

std::string text(const nlohmann::json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::expected<TrailStats, std::string> trail_stats(const audit::TrailSource& trail,
                                                   calendar::Date today, int days) {
  TrailStats stats;
  const std::chrono::sys_days last{today};
  for (int i = days - 1; i >= 0; --i) {
    stats.days.push_back(calendar::format_date(calendar::Date{last - std::chrono::days(i)}));
  }
  std::map<std::string, std::size_t> day_index;
  for (std::size_t i = 0; i < stats.days.size(); ++i) day_index[stats.days[i]] = i;
  audit::VerifyOptions options;
  options.visit = [&](std::uint64_t, const nlohmann::json& body) {
    ++stats.records;
    const std::string kind = text(body, "kind");
    const std::string outcome = text(body, "outcome");
    // The gateway's policy: what its decisions and reloads were made under
    // (console and operator records carry their own process's hash).
    if (const std::string hash = text(body, "policy_hash");
        !hash.empty() &&
        (kind == "decision" || (kind == "policy-reload" && outcome == "reloaded"))) {
      stats.policy_in_force = hash;
    }
    if (kind == "decision") {
      ++stats.messages_by_sender[text(body, "sender")];
      if (outcome == "refused") {
        const std::string rule = text(body, "rule");
        ++stats.refusals_by_rule[rule.empty() ? text(body, "problem") : rule];
      } else if (outcome == "allowed") {
        const auto day = day_index.find(text(body, "start_time").substr(0, 10));
        if (day != day_index.end()) {
          for (auto* series : {&stats.allowed_per_day[text(body, "purpose")],
                               &stats.sent_per_day[text(body, "sender")]}) {
            series->resize(stats.days.size(), 0);
            ++(*series)[day->second];
          }
        }
      }
    } else if (kind == "delivery" && outcome == "failed") {
      ++stats.failures_by_recipient[text(body, "recipient")];
    } else if (kind == "policy-reload") {
      const auto details = body.value("details", nlohmann::json::object());
      stats.reloads.push_back({text(body, "start_time"), outcome, text(details, "old_hash"),
                               text(details, "new_hash")});
    }
  };
  auto report = audit::verify_trail(trail, options);
  if (!report) return std::unexpected(report.error());
  if (!report->intact()) {
    return std::unexpected("the trail is not intact at sequence " +
                           std::to_string(report->first_bad_sequence) + ": nothing is counted");
  }
  return stats;
}

std::expected<TrailStats, std::string> counted(const gateway::Settings& settings, int days) {
  auto trail = gateway::open_trail_source(settings);
  if (!trail) return std::unexpected(trail.error());
  return trail_stats(**trail, calendar::today_utc(), days);
}

}  // namespace schakel::console
