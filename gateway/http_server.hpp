#pragma once
// A small HTTP/1.1 server on Asio coroutines, with or without TLS. It owns
// the accept loop and the connections; what a request means is up to its
// handler. Bounded everywhere: a connection cap (past it, and past the caps
// on connections still in their TLS handshake, the oldest unauthenticated
// connection is shed — never an authenticated one; without TLS every
// connection counts as unauthenticated), a deadline on the
// handshake (and, behind a load balancer, on the PROXY protocol v2 header
// before it, whose client address then counts for the caps), on a request's
// headers (also the keep-alive idle time), on its
// body and on each reply; header and body limits and a read buffer with a
// maximum. What HTTP/1.1 leaves ambiguous is refused (request_head.hpp), as
// are chunk extensions, trailers and folded header lines. With TLS, the peer's certificate
// identity is handed to the handler. A request refused while being read goes
// to on_unread with the headers read so far; the connection closes after the
// reply (and a brief drain of what the client still sends). A handler's
// exception ends its exchange with a 500, never the thread. Refusals are
// counted in the metrics and summarised in the log at most every 10 s.
#include <atomic>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include "common/problem.hpp"
#include "gateway/http_types.hpp"
#include "gateway/metrics.hpp"
#include "gateway/settings.hpp"
#include "gateway/tls.hpp"

namespace schakel::gateway {

struct HttpHandlers {
  std::function<boost::asio::awaitable<Response>(const PeerIdentity&, const Request&)> on_request;
  std::function<boost::asio::awaitable<Response>(const PeerIdentity&, const Request&,
                                                 const Problem&)>
      on_unread;
};

struct HttpServerOptions {
  std::string name;  // for logs: "partner", "admin", ...
  ListenAddress address;
  // nullptr: plain HTTP. Each connection takes a snapshot of the context in
  // force and keeps it to its end (a reload changes new handshakes only).
  const TlsContextHolder* tls = nullptr;
  Limits limits;
  Timeouts timeouts;
  // With TLS: whether a verified peer takes part (a partner). One that does
  // not stays among the sheddable connections. Unset: every verified peer does.
  std::function<bool(const PeerIdentity&)> is_member;
};

class HttpServer {
 public:
  [[nodiscard]] static std::expected<std::unique_ptr<HttpServer>, std::string> bind(
      boost::asio::io_context& io, HttpServerOptions options, HttpHandlers handlers,
      ListenerMetrics& metrics);
  ~HttpServer();

  [[nodiscard]] std::uint16_t port() const;
  void start();
  // Stops accepting; open connections finish their current request, then close.
  void stop_accepting();

 private:
  struct Impl;
  explicit HttpServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

}  // namespace schakel::gateway
