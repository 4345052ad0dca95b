// The console's first page (issue 16): pictures of the trail where people
// would rather look than read (trail_stats.hpp, the last 14 days) — messages
// per day per purpose, messages per sending partner, refusals by rule,
// failed deliveries per recipient — counts only, for both roles.
#include <algorithm>

#include "console/charts.hpp"
#include "console/pages.hpp"
#include "console/trail_stats.hpp"

namespace schakel::console {
namespace {

namespace asio = boost::asio;
using gateway::Request;
using gateway::Response;

constexpr int kDays = 14;

Counts by_partner(const policy::Policy& policy,
                  const std::map<std::string, std::uint64_t>& counts) {
  Counts out;
  for (const auto& [oin, count] : counts) out.emplace_back(partner_label(policy, oin), count);
  std::stable_sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.second > b.second; });
  return out;
}

Counts sorted(const std::map<std::string, std::uint64_t>& counts) {
  Counts out(counts.begin(), counts.end());
  std::stable_sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.second > b.second; });
  return out;
}

asio::awaitable<Response> overview(Console& console, const Visit& visit, const Request&) {
  const Lang l = visit.lang;
  auto count = [&settings = console.settings()] { return counted(settings, kDays); };
  auto ran = console.blocking(std::move(count));
  auto stats = co_await std::move(ran);
  const std::string title(tr(l, "Overzicht", "Overview"));
  if (!stats || !*stats) {
    co_return page(
        visit.frame(title),
        "<p class=\"error\">" + escape(stats ? stats->error() : std::string("?")) + "</p>", 503);
  }
  const TrailStats& s = **stats;
  const std::string none(tr(l, "Niets in deze periode.", "Nothing in this period."));
  std::string body = "<p>" + std::to_string(s.records) + " " +
                     std::string(tr(l, "records in het logboek (keten intact).",
                                    "records in the trail (chain intact).")) +
                     "</p>";
  body += daily_chart("per-day",
                      std::string(tr(l, "Toegestane berichten per dag per doel (14 dagen)",
                                     "Allowed messages per day per purpose (14 days)")),
                      s.days, s.allowed_per_day, none);
  std::map<std::string, std::vector<std::uint64_t>> per_partner;
  for (const auto& [oin, counts] : s.sent_per_day) {
    per_partner[partner_label(*visit.policy, oin)] = counts;
  }
  body += daily_chart("per-day-partner",
                      std::string(tr(l, "Toegestane berichten per dag per verzendende partner",
                                     "Allowed messages per day per sending partner")),
                      s.days, per_partner, none);
  body += bar_chart(
      "per-partner",
      std::string(tr(l, "Berichten per verzendende partner", "Messages per sending partner")),
      by_partner(*visit.policy, s.messages_by_sender), none);
  body += bar_chart("refusals", std::string(tr(l, "Weigeringen per regel", "Refusals by rule")),
                    sorted(s.refusals_by_rule), none);
  body += bar_chart(
      "failures",
      std::string(tr(l, "Mislukte afleveringen per ontvanger", "Failed deliveries per recipient")),
      by_partner(*visit.policy, s.failures_by_recipient), none);
  co_return page(visit.frame(title), body);
}

}  // namespace

std::expected<void, std::string> add_overview_page(Console& console) {
  return console.add_page({"GET", "/", Need::kSignedIn, {}, overview});
}

}  // namespace schakel::console
