#include "gateway/http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>

#include "common/log.hpp"
#include "gateway/net.hpp"

namespace schakel::gateway {

using namespace net;  // NOLINT(google-build-using-namespace)

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(asio::io_context& io_context, HttpServerOptions server_options, HttpHandlers server_handlers,
       Metrics& server_metrics)
      : io(io_context),
        acceptor(asio::make_strand(io_context)),
        options(std::move(server_options)),
        handlers(std::move(server_handlers)),
        metrics(server_metrics) {}

  asio::awaitable<void> accept_loop();
  template <typename Stream>
  asio::awaitable<void> serve(Stream& stream, const PeerIdentity& peer);
  asio::awaitable<void> serve_plain(tcp::socket socket);
  asio::awaitable<void> serve_tls(tcp::socket socket);

  asio::io_context& io;
  tcp::acceptor acceptor;
  HttpServerOptions options;
  HttpHandlers handlers;
  Metrics& metrics;
  std::atomic<std::int64_t> connections{0};
  std::atomic<bool> closing{false};
};

namespace {

Request to_request(const http::request<http::string_body>& message) {
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = message.body();
  return request;
}

http::response<http::string_body> to_message(const Response& response, bool keep_alive) {
  http::response<http::string_body> message{static_cast<http::status>(response.status), 11};
  message.set(http::field::server, "schakel");
  message.set(http::field::content_type, response.content_type);
  message.set(http::field::cache_control, "no-store");
  for (const auto& [name, value] : response.headers) message.set(name, value);
  message.body() = response.body;
  message.keep_alive(keep_alive);
  message.prepare_payload();
  return message;
}

std::optional<Problem> limit_problem(const beast::error_code& ec) {
  if (ec == http::error::body_limit) {
    return make_problem(ProblemKind::kBodyTooLarge, "the body exceeds the gateway's limit");
  }
  if (ec == http::error::header_limit) {
    return make_problem(ProblemKind::kHeadersTooLarge, "the headers exceed the gateway's limit");
  }
  return std::nullopt;
}

}  // namespace

template <typename Stream>
asio::awaitable<void> HttpServer::Impl::serve(Stream& stream, const PeerIdentity& peer) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(options.limits.max_body_bytes);
    parser.header_limit(options.limits.max_header_bytes);
    beast::get_lowest_layer(stream).expires_after(options.timeouts.request);
    auto [read_error, read_bytes] = co_await http::async_read(stream, buffer, parser, kTuple);
    // Arguments of co_await calls are named locals: g++ 12 may destroy
    // temporaries of a co_await expression twice.
    Response response;
    bool keep_alive = false;
    if (const auto problem = limit_problem(read_error)) {
      const Request head = to_request(parser.get());
      response = co_await handlers.on_unread(peer, head, *problem);
    } else if (read_error) {
      co_return;  // closed, timed out or not HTTP: nothing to answer
    } else {
      const auto message = parser.release();
      keep_alive = message.keep_alive() && !closing.load();
      const Request request = to_request(message);
      response = co_await handlers.on_request(peer, request);
    }
    auto reply = to_message(response, keep_alive);
    beast::get_lowest_layer(stream).expires_after(options.timeouts.request);
    auto [write_error, written] = co_await http::async_write(stream, reply, kTuple);
    if (write_error || !keep_alive) co_return;
  }
}

asio::awaitable<void> HttpServer::Impl::serve_plain(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  const PeerIdentity anonymous;
  co_await serve(stream, anonymous);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

asio::awaitable<void> HttpServer::Impl::serve_tls(tcp::socket socket) {
  beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *options.tls);
  beast::get_lowest_layer(stream).expires_after(options.timeouts.handshake);
  auto [handshake_error] = co_await stream.async_handshake(asio::ssl::stream_base::server, kTuple);
  if (handshake_error) {
    ++metrics.handshakes_failed;
    log::warn("tls.handshake_failed",
              {{"listener", options.name}, {"reason", handshake_error.message()}});
    co_return;
  }
  const PeerIdentity peer = peer_identity(stream.native_handle());
  co_await serve(stream, peer);
  beast::get_lowest_layer(stream).expires_after(options.timeouts.handshake);
  auto [shutdown_error] = co_await stream.async_shutdown(kTuple);
  (void)shutdown_error;
}

asio::awaitable<void> HttpServer::Impl::accept_loop() {
  auto self = shared_from_this();
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(io), kTuple);
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) {
      log::warn("listener.accept_failed", {{"listener", options.name}, {"reason", ec.message()}});
      continue;
    }
    if (connections.load() >= static_cast<std::int64_t>(options.limits.max_connections)) {
      ++metrics.connections_rejected;
      log::warn("listener.connection_cap", {{"listener", options.name}});
      continue;  // the socket closes as it goes out of scope
    }
    ++metrics.connections_accepted;
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto executor = socket.get_executor();
    asio::co_spawn(
        executor,
        [self, socket = std::move(socket)]() mutable -> asio::awaitable<void> {
          GaugeScope open(self->connections);
          GaugeScope gauge(self->metrics.connections_active);
          if (self->options.tls) {
            co_await self->serve_tls(std::move(socket));
          } else {
            co_await self->serve_plain(std::move(socket));
          }
        },
        [](std::exception_ptr error) {
          if (error) log::error("listener.session_exception");
        });
  }
}

std::expected<std::unique_ptr<HttpServer>, std::string> HttpServer::bind(asio::io_context& io,
                                                                         HttpServerOptions options,
                                                                         HttpHandlers handlers,
                                                                         Metrics& metrics) {
  auto impl = std::make_shared<Impl>(io, std::move(options), std::move(handlers), metrics);
  const auto& address = impl->options.address;
  beast::error_code ec;
  const auto ip = asio::ip::make_address(address.address, ec);
  if (ec) return std::unexpected("invalid listen address \"" + address.address + "\"");
  const tcp::endpoint endpoint(ip, address.port);
  auto fail = [&](const char* what) {
    return std::unexpected(std::string(what) + " " + address.address + ":" +
                           std::to_string(address.port) + " for the " + impl->options.name +
                           " listener: " + ec.message());
  };
  if (impl->acceptor.open(endpoint.protocol(), ec); ec) return fail("cannot open");
  if (impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec); ec) {
    return fail("cannot configure");
  }
  if (impl->acceptor.bind(endpoint, ec); ec) return fail("cannot bind");
  if (impl->acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return fail("cannot listen on");
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::~HttpServer() = default;

std::uint16_t HttpServer::port() const {
  beast::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

void HttpServer::start() {
  asio::co_spawn(impl_->acceptor.get_executor(), impl_->accept_loop(), asio::detached);
}

void HttpServer::stop_accepting() {
  impl_->closing = true;
  asio::post(impl_->acceptor.get_executor(), [impl = impl_] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
  });
}

}  // namespace schakel::gateway
