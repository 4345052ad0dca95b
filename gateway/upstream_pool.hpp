#pragma once
// The forwarder: mutual TLS to recipients' endpoints with keep-alive
// connections pooled per endpoint (at most max_idle_upstream_per_endpoint idle
// each). Verifies the recipient's certificate against the region's CA and its
// name against the endpoint's host. Explicit timeouts on connect, handshake
// and response. A pooled connection the recipient closed meanwhile is
// replaced once by a fresh one.
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include "gateway/forwarder.hpp"
#include "gateway/settings.hpp"

namespace schakel::gateway {

class UpstreamPool final : public Forwarder {
 public:
  UpstreamPool(boost::asio::io_context& io, boost::asio::ssl::context& tls, const Limits& limits,
               const Timeouts& timeouts);
  ~UpstreamPool() override;

  [[nodiscard]] boost::asio::awaitable<std::expected<DeliveryOutcome, Problem>> deliver(
      const Delivery& delivery) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace schakel::gateway
