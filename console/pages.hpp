#pragma once
// What the console's page files share: each file adds its pages to the
// console (console.hpp, add_pages: the one list), and they answer with the
// frame and helpers of html.hpp.
#include <expected>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "audit/query.hpp"
#include "console/console.hpp"
#include "console/html.hpp"

namespace schakel::console {

[[nodiscard]] std::expected<void, std::string> add_sign_in_pages(Console& console);
[[nodiscard]] std::expected<void, std::string> add_overview_page(Console& console);
[[nodiscard]] std::expected<void, std::string> add_trail_pages(Console& console);
[[nodiscard]] std::expected<void, std::string> add_chain_page(Console& console);
[[nodiscard]] std::expected<void, std::string> add_policy_pages(Console& console);
[[nodiscard]] std::expected<void, std::string> add_region_page(Console& console);

// Adds each route, stopping at the first that cannot be added.
[[nodiscard]] std::expected<void, std::string> add_routes(Console& console,
                                                          std::initializer_list<PageRoute> routes);
// 503: the console record a page needs could not be written, so it shows nothing.
[[nodiscard]] gateway::Response unavailable(const Visit& visit);
// 422: a choice in a form (a partner, a purpose) that does not exist.
[[nodiscard]] gateway::Response refused_input(const Visit& visit, const std::string& title);
// The trail's records that `filter` selects, read (and verified) on a
// blocking-work thread; nullopt when the read threw.
[[nodiscard]] boost::asio::awaitable<
    std::optional<std::expected<std::vector<audit::QueriedRecord>, std::string>>>
query_trail(Console& console, audit::QueryFilter filter);
// A partner named by OIN, as "name (OIN)"; the OIN alone for one the region does not know.
[[nodiscard]] std::string partner_label(const policy::Policy& policy, const std::string& oin);

}  // namespace schakel::console
