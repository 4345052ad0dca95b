#include "gateway/federation_route.hpp"

namespace schakel::gateway {

std::expected<void, std::string> add_federation_route(Router& router, Pipeline& pipeline) {
  return router.add("POST", std::string(policy::kFederationMessagesPath),
                    [&pipeline](const PeerIdentity& peer, const Request& request) {
                      return pipeline.handle(peer, request, Entry::kPeerGateway);
                    });
}

}  // namespace schakel::gateway
