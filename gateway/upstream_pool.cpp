#include "gateway/upstream_pool.hpp"

#include "gateway/net.hpp"

#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/strand.hpp>

#include <mutex>
#include <unordered_map>
#include <vector>

namespace schakel::gateway {

using namespace net;  // NOLINT(google-build-using-namespace)
constexpr std::size_t kMaxResponseBody = 64 * 1024;

namespace {

struct Connection {
  Connection(asio::io_context& io, asio::ssl::context& tls) : stream(asio::make_strand(io), tls) {}
  beast::ssl_stream<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
};

struct Exchanged {
  int status;
  bool keep_alive;
};

Problem unreachable(const char* step, const beast::error_code& ec) {
  return make_problem(ProblemKind::kRecipientUnreachable, std::string(step) + ": " + ec.message());
}

Problem failure(const char* step, const beast::error_code& ec) {
  if (ec == beast::error::timeout) {
    return make_problem(ProblemKind::kRecipientTimeout,
                        std::string("no answer in time (") + step + ")");
  }
  return unreachable(step, ec);
}

// Errors that mean a pooled connection was closed by the recipient meanwhile.
bool is_stale(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::ssl::error::stream_truncated;
}

bool is_ip_address(const std::string& host) {
  beast::error_code ec;
  (void)asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

struct UpstreamPool::Impl {
  asio::io_context& io;
  asio::ssl::context& tls;
  Limits limits;
  Timeouts timeouts;
  std::mutex mutex;
  std::unordered_map<std::string, std::vector<std::unique_ptr<Connection>>> idle;

  std::unique_ptr<Connection> take_idle(const std::string& key) {
    std::lock_guard lock(mutex);
    auto& list = idle[key];
    if (list.empty()) return nullptr;
    auto connection = std::move(list.back());
    list.pop_back();
    return connection;
  }

  void give_back(const std::string& key, std::unique_ptr<Connection> connection) {
    std::lock_guard lock(mutex);
    auto& list = idle[key];
    if (list.size() < limits.max_idle_upstream_per_endpoint) list.push_back(std::move(connection));
  }

  asio::awaitable<std::expected<std::unique_ptr<Connection>, Problem>> connect(
      const policy::Endpoint& endpoint) {
    auto connection = std::make_unique<Connection>(io, tls);
    auto& socket_layer = beast::get_lowest_layer(connection->stream);
    tcp::resolver resolver(socket_layer.get_executor());
    auto [resolve_error, results] =
        co_await resolver.async_resolve(endpoint.host, endpoint.port, kTuple);
    if (resolve_error) co_return std::unexpected(unreachable("resolve", resolve_error));
    socket_layer.expires_after(timeouts.upstream_connect);
    auto [connect_error, connected] = co_await socket_layer.async_connect(results, kTuple);
    if (connect_error) co_return std::unexpected(unreachable("connect", connect_error));
    boost::system::error_code ignored;
    socket_layer.socket().set_option(tcp::no_delay(true), ignored);
    auto* native = connection->stream.native_handle();
    if (!is_ip_address(endpoint.host)) SSL_set_tlsext_host_name(native, endpoint.host.c_str());
    connection->stream.set_verify_callback(asio::ssl::host_name_verification(endpoint.host));
    socket_layer.expires_after(timeouts.upstream_response);
    auto [handshake_error] =
        co_await connection->stream.async_handshake(asio::ssl::stream_base::client, kTuple);
    if (handshake_error) co_return std::unexpected(failure("TLS handshake", handshake_error));
    co_return connection;
  }

  asio::awaitable<std::expected<Exchanged, beast::error_code>> exchange(Connection& connection,
                                                                        const Delivery& delivery) {
    http::request<http::string_body> request{http::verb::post, delivery.endpoint.target, 11};
    request.set(http::field::host, delivery.endpoint.host + ":" + delivery.endpoint.port);
    request.set(http::field::user_agent, "schakel");
    request.set(http::field::content_type, delivery.content_type);
    for (const auto& [name, value] : delivery.headers) request.set(name, value);
    request.body() = delivery.body;
    request.keep_alive(true);
    request.prepare_payload();
    beast::get_lowest_layer(connection.stream).expires_after(timeouts.upstream_response);
    auto [write_error, written] = co_await http::async_write(connection.stream, request, kTuple);
    if (write_error) co_return std::unexpected(write_error);
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxResponseBody);
    auto [read_error, read] =
        co_await http::async_read(connection.stream, connection.buffer, parser, kTuple);
    if (read_error) co_return std::unexpected(read_error);
    co_return Exchanged{static_cast<int>(parser.get().result_int()), parser.get().keep_alive()};
  }
};

UpstreamPool::UpstreamPool(asio::io_context& io, asio::ssl::context& tls, const Limits& limits,
                           const Timeouts& timeouts)
    : impl_(std::make_unique<Impl>(io, tls, limits, timeouts)) {}

UpstreamPool::~UpstreamPool() = default;

asio::awaitable<std::expected<DeliveryOutcome, Problem>> UpstreamPool::deliver(
    const Delivery& delivery) {
  const std::string key = delivery.endpoint.host + ":" + delivery.endpoint.port;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto connection = impl_->take_idle(key);
    const bool reused = connection != nullptr;
    if (!connection) {
      auto fresh = co_await impl_->connect(delivery.endpoint);
      if (!fresh) co_return std::unexpected(fresh.error());
      connection = std::move(*fresh);
    }
    auto result = co_await impl_->exchange(*connection, delivery);
    if (result) {
      if (result->keep_alive) impl_->give_back(key, std::move(connection));
      co_return DeliveryOutcome{result->status};
    }
    if (!(reused && is_stale(result.error())))
      co_return std::unexpected(failure("exchange", result.error()));
  }
  co_return std::unexpected(
      make_problem(ProblemKind::kRecipientUnreachable, "the recipient closed the connection"));
}

}  // namespace schakel::gateway
