#pragma once
// POST /v1/messages (CONTRACT.md): one message through the pipeline.
#include <expected>
#include <string>

#include "gateway/pipeline.hpp"
#include "gateway/router.hpp"

namespace schakel::gateway {

[[nodiscard]] std::expected<void, std::string> add_messages_route(Router& router,
                                                                  Pipeline& pipeline);

}  // namespace schakel::gateway
