#pragma once
// The forwarder: mutual TLS to recipients' endpoints with keep-alive
// connections pooled per endpoint and recipient identity (at most
// max_idle_upstream_per_endpoint idle each).
//
// Who is at the other end: the recipient's certificate must chain to the
// region's CA and name the endpoint's host; when the delivery names an
// expected OIN, the certificate's Subject must also carry exactly one
// serialNumber, equal to it. Otherwise nothing is sent.
//
// Bounded everywhere: name resolution within upstream_connect (a resolution
// still running then is abandoned), connecting within upstream_connect again,
// the handshake within upstream_response and the exchange (write and reply)
// within upstream_response again — each step its own deadline, so a delivery
// to a new connection takes at most 2 x (upstream_connect + upstream_response);
// interim (1xx) replies before the final one are skipped, at most 8 of them,
// and a 101 is refused; a reply's header block at most
// kMaxReplyHeaderBytes, its body at most kMaxReplyBody, the read buffer at most
// kMaxReadBuffer (below Beast's 64 KiB field limit, so a trailer or chunk
// extension can neither grow memory nor make Beast throw). Replies with chunk
// extensions or trailer fields are refused. Every failure comes back as a
// Problem value: recipient-timeout, or recipient-unreachable (also for a reply
// that is not acceptable HTTP); deliver never throws.
//
// At most once: a request is written at most once. An idle connection is
// reused only if it is younger than kMaxIdleAge (shorter than common server
// keep-alive times) and, checked without blocking, nothing is waiting on it
// (no end of stream, no stray bytes); a connection whose final reply left
// bytes behind or asked to close is not kept. Once the
// write has begun, a failure is reported, never retried.
#include <chrono>
#include <cstdint>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include "gateway/forwarder.hpp"
#include "gateway/settings.hpp"

namespace schakel::gateway {

class UpstreamPool final : public Forwarder {
 public:
  static constexpr std::uint32_t kMaxReplyHeaderBytes = 16 * 1024;
  static constexpr std::size_t kMaxReplyBody = 64 * 1024;
  static constexpr std::size_t kMaxReadBuffer = 32 * 1024;
  static constexpr std::chrono::seconds kMaxIdleAge{4};

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
