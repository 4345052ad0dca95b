// The region's work in counts (issue 16), for both roles — never a person:
// active signals and matches per purpose, open cases per purpose and level,
// open handovers per recipient with the age of the oldest
// (region/region_counts.hpp, read beside the running gateway).
#include "common/calendar.hpp"
#include "console/pages.hpp"
#include "gateway/state.hpp"
#include "region/region_counts.hpp"

namespace schakel::console {
namespace {

namespace asio = boost::asio;
using gateway::Request;
using gateway::Response;

std::string age(Lang l, std::int64_t seconds) {
  if (seconds < 3600) return std::to_string(seconds / 60) + " " + std::string(tr(l, "min", "min"));
  if (seconds < 2 * 86400)
    return std::to_string(seconds / 3600) + " " + std::string(tr(l, "uur", "h"));
  return std::to_string(seconds / 86400) + " " + std::string(tr(l, "dagen", "days"));
}

asio::awaitable<Response> region(Console& console, const Visit& visit, const Request&) {
  const Lang l = visit.lang;
  const std::string title(tr(l, "Werk van de regio", "The region's work"));
  auto counting = [&settings =
                       console.settings()]() -> std::expected<region::RegionCounts, std::string> {
    auto db = gateway::open_region_state(settings, settings.timeouts.audit_busy, true);
    if (!db) return std::unexpected(db.error());
    if (!*db) return region::RegionCounts{};
    return region::count_region_work(**db, calendar::format_date(calendar::today_utc()));
  };
  auto ran = console.blocking(std::move(counting));
  auto counted = co_await std::move(ran);
  if (!counted || !*counted) {
    co_return page(
        visit.frame(title),
        "<p class=\"error\">" + escape(counted ? counted->error() : std::string("?")) + "</p>",
        503);
  }
  const auto& c = **counted;
  std::vector<std::vector<std::string>> signals;
  for (const auto& [id, purpose] : visit.policy->enabled_purposes()) {
    const auto active = c.active_signals.contains(id) ? c.active_signals.at(id) : 0;
    const auto matched = c.matches.contains(id) ? c.matches.at(id) : 0;
    if (active || matched)
      signals.push_back({escape(id), std::to_string(active), std::to_string(matched)});
  }
  std::vector<std::vector<std::string>> cases;
  for (const auto& [key, count] : c.open_cases) {
    cases.push_back({escape(key.first), std::to_string(key.second), std::to_string(count)});
  }
  std::vector<std::vector<std::string>> handovers;
  for (const auto& [oin, entry] : c.open_handovers) {
    handovers.push_back({escape(partner_label(*visit.policy, oin)), std::to_string(entry.first),
                         escape(age(l, console.now() - entry.second))});
  }
  const std::string none = "<p class=\"note\">" + std::string(tr(l, "Geen.", "None.")) + "</p>";
  std::string body =
      "<h2>" + std::string(tr(l, "Signalen en matches", "Signals and matches")) + "</h2>" +
      (signals.empty() ? none
                       : table({std::string(tr(l, "Doel", "Purpose")),
                                std::string(tr(l, "Actieve signalen", "Active signals")),
                                std::string(tr(l, "Matches", "Matches"))},
                               signals));
  body +=
      "<h2>" + std::string(tr(l, "Open casussen", "Open cases")) + "</h2>" +
      (cases.empty()
           ? none
           : table({std::string(tr(l, "Doel", "Purpose")), std::string(tr(l, "Niveau", "Level")),
                    std::string(tr(l, "Aantal", "Count"))},
                   cases));
  body += "<h2>" + std::string(tr(l, "Open warme overdrachten", "Open warm handovers")) + "</h2>" +
          (handovers.empty() ? none
                             : table({std::string(tr(l, "Ontvanger", "Recipient")),
                                      std::string(tr(l, "Aantal", "Count")),
                                      std::string(tr(l, "Oudste wacht", "Oldest waiting"))},
                                     handovers));
  co_return page(visit.frame(title), body);
}

}  // namespace

std::expected<void, std::string> add_region_page(Console& console) {
  return console.add_page({"GET", "/region", Need::kSignedIn, {}, region});
}

}  // namespace schakel::console
