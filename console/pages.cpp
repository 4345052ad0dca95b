#include "console/pages.hpp"

#include "gateway/state.hpp"

namespace schakel::console {

gateway::Response unavailable(const Visit& visit) {
  return page(visit.frame(std::string(tr(visit.lang, "Niet beschikbaar", "Unavailable"))),
              "<p class=\"error\" role=\"alert\">" +
                  escape(tr(visit.lang,
                            "Het logboek neemt nu geen record aan; zonder record toont de console "
                            "niets. Probeer het later opnieuw.",
                            "The trail takes no record now; without its record the console shows "
                            "nothing. Try again later.")) +
                  "</p>",
              503);
}

gateway::Response refused_input(const Visit& visit, const std::string& title) {
  return page(visit.frame(title),
              "<p class=\"error\">" +
                  escape(tr(visit.lang, "Een keuze in het formulier bestaat niet.",
                            "A choice in the form does not exist.")) +
                  "</p>",
              422);
}

boost::asio::awaitable<std::optional<std::expected<std::vector<audit::QueriedRecord>, std::string>>>
query_trail(Console& console, audit::QueryFilter filter) {
  auto read = [&settings = console.settings(),
               filter]() -> std::expected<std::vector<audit::QueriedRecord>, std::string> {
    auto trail = gateway::open_trail_source(settings);
    if (!trail) return std::unexpected(trail.error());
    return audit::query_records(**trail, filter);
  };
  auto ran = console.blocking(std::move(read));
  co_return co_await std::move(ran);
}

std::string partner_label(const policy::Policy& policy, const std::string& oin) {
  if (oin.empty()) return "";
  const policy::Partner* partner = policy.partner_by_oin(oin);
  return partner ? partner->name + " (" + oin + ")" : oin;
}

std::expected<void, std::string> add_routes(Console& console,
                                            std::initializer_list<PageRoute> routes) {
  for (const auto& route : routes) {
    if (auto added = console.add_page(route); !added) return added;
  }
  return {};
}

std::expected<void, std::string> add_pages(Console& console) {
  for (auto add : {add_sign_in_pages, add_overview_page, add_trail_pages, add_chain_page,
                   add_policy_pages, add_region_page}) {
    if (auto added = add(console); !added) return added;
  }
  return {};
}

}  // namespace schakel::console
