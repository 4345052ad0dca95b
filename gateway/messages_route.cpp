#include "gateway/messages_route.hpp"

namespace schakel::gateway {

std::expected<void, std::string> add_messages_route(Router& router, Pipeline& pipeline) {
  return router.add("POST", "/v1/messages",
                    [&pipeline](const PeerIdentity& peer, const Request& request) {
                      return pipeline.handle(peer, request);
                    });
}

}  // namespace schakel::gateway
