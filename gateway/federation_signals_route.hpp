#pragma once
// Signals across regions (issue 20), between two regions' gateways only:
//   POST /v1/federation/signals        a peer region's partner is involved with
//                                      a person (the peer's "peer-signal"):
//                                      matched here, as this region's pairs allow
//   POST /v1/federation/notifications  a match the peer's gateway found for a
//                                      partner of this region (Schakel-Recipient):
//                                      owed to it only as this region's pairs allow
//                                      and if it has an active signal on the person
//                                      (the same answer either way: no oracle)
// The caller is a peer region's gateway (its certificate's OIN in "peers")
// speaking for the partner its directory lists in the body's partner.oin
// (read strictly); the person is a pseudonym of the pair's transit domain,
// never a BSN. Each answer, refusals included, has its audit record (kind
// "signal", details peer_gateway; peer_region once the work ran) durable
// before the reply; a match found here has its own record (kind "match")
// holding both notifications, as a local match does.
// A new signal here asks the peers (SignalService::ask_peers, from the
// registration route); the Notifier delivers both kinds.
#include <expected>
#include <functional>
#include <string>
#include <string_view>

#include "gateway/signals_route.hpp"

namespace schakel::gateway {

// Where a peer region's gateway takes signals and match notifications (the
// Notifier sends there; the routes below answer there).
inline constexpr std::string_view kFederationSignalsPath = "/v1/federation/signals";
inline constexpr std::string_view kFederationNotificationsPath = "/v1/federation/notifications";

[[nodiscard]] std::expected<void, std::string> add_federation_signal_routes(Router& router,
                                                                            SignalRouteParts parts);

}  // namespace schakel::gateway
