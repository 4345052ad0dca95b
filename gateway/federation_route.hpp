#pragma once
// POST /v1/federation/messages (issue 20): a message from a peer region's
// gateway for a partner of this region, through the pipeline as
// Entry::kPeerGateway (pipeline.hpp says what differs).
#include <expected>
#include <string>

#include "gateway/pipeline.hpp"
#include "gateway/router.hpp"

namespace schakel::gateway {

[[nodiscard]] std::expected<void, std::string> add_federation_route(Router& router,
                                                                    Pipeline& pipeline);

}  // namespace schakel::gateway
