#include "gateway/upstream_pool.hpp"

#include <sys/socket.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <cerrno>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "gateway/net.hpp"

namespace schakel::gateway {

using namespace net;  // NOLINT(google-build-using-namespace)

namespace {

using Clock = std::chrono::steady_clock;
using Endpoints = tcp::resolver::results_type;

struct Connection {
  Connection(asio::io_context& io, asio::ssl::context& tls)
      : stream(asio::make_strand(io), tls), buffer(UpstreamPool::kMaxReadBuffer) {}
  beast::ssl_stream<beast::tcp_stream> stream;
  beast::flat_buffer buffer;  // bounded: a reply never grows it past kMaxReadBuffer
  Clock::time_point idle_since;
};

struct Exchanged {
  int status;
  bool reusable;  // the connection may carry another request
};

Problem unreachable(const std::string& detail) {
  return make_problem(ProblemKind::kRecipientUnreachable, detail);
}

Problem failure(const char* step, const beast::error_code& ec) {
  if (ec == beast::error::timeout) {
    return make_problem(ProblemKind::kRecipientTimeout,
                        std::string("no answer in time (") + step + ")");
  }
  return unreachable(std::string(step) + ": " + ec.message());
}

Problem bad_reply(const std::string& why) {
  return unreachable("the recipient's reply was refused: " + why);
}

bool is_http_error(const beast::error_code& ec) {
  return ec.category() == beast::error_code(http::error::bad_version).category();
}

// What a failed read of the reply means for the sender.
Problem reply_problem(const beast::error_code& ec) {
  if (ec == http::error::body_limit) return bad_reply("its body is larger than 64 KiB");
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
    return bad_reply("its header, chunk or trailer lines are too long");
  }
  if (ec == http::error::bad_chunk_extension) return bad_reply("it has chunk extensions");
  if (ec == http::error::end_of_stream || ec == http::error::partial_message) {
    return unreachable("the recipient closed the connection before its reply was complete");
  }
  if (is_http_error(ec)) return bad_reply("it is not valid HTTP/1.1 (" + ec.message() + ")");
  return failure("reading the reply", ec);
}

bool is_ip_address(const std::string& host) {
  beast::error_code ec;
  (void)asio::ip::make_address(host, ec);
  return !ec;
}

// The one Subject serialNumber (OIN) of the peer's certificate; none when
// there is no certificate or it has none or several.
std::optional<std::string> certificate_oin(SSL* connection) {
  X509* cert = SSL_get0_peer_certificate(connection);
  if (!cert) return std::nullopt;
  X509_NAME* subject = X509_get_subject_name(cert);
  const int first = X509_NAME_get_index_by_NID(subject, NID_serialNumber, -1);
  if (first < 0 || X509_NAME_get_index_by_NID(subject, NID_serialNumber, first) >= 0) {
    return std::nullopt;
  }
  const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, first));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                     static_cast<std::size_t>(ASN1_STRING_length(value)));
}

// Fields of the delivery that cannot be sent as they are (CR, LF or NUL would
// split or end a header; Beast refuses values over 64 KiB by throwing).
bool is_sendable(std::string_view text) {
  return text.size() < 64 * 1024 &&
         text.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

std::optional<http::request<http::string_body>> to_request(const Delivery& delivery) {
  const auto& endpoint = delivery.endpoint;
  http::request<http::string_body> request{http::verb::post, endpoint.target, 11};
  const std::string host = endpoint.host + ":" + endpoint.port;
  for (const std::string_view text : {std::string_view(endpoint.target), std::string_view(host),
                                      std::string_view(delivery.content_type)}) {
    if (!is_sendable(text)) return std::nullopt;
  }
  for (const auto& [name, value] : delivery.headers) {
    if (name.empty() || !is_sendable(name) || !is_sendable(value)) return std::nullopt;
  }
  request.set(http::field::host, host);
  request.set(http::field::user_agent, "schakel");
  request.set(http::field::content_type, delivery.content_type);
  for (const auto& [name, value] : delivery.headers) request.set(name, value);
  request.body() = delivery.body;
  request.keep_alive(true);
  request.prepare_payload();
  return request;
}

// True when an idle connection can carry a request: nothing is buffered on it
// and the socket, peeked without blocking, has neither bytes nor an end of
// stream waiting (a recipient's close shows up as readable).
bool still_usable(Connection& connection) {
  if (connection.buffer.size() != 0) return false;
  SSL* ssl = connection.stream.native_handle();
  if (SSL_pending(ssl) > 0 || SSL_has_pending(ssl) == 1) return false;
  if (BIO_ctrl_pending(SSL_get_rbio(ssl)) > 0) return false;
  auto& socket = beast::get_lowest_layer(connection.stream).socket();
  if (!socket.is_open()) return false;
  char byte = 0;
  const auto peeked = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return peeked < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

// One name resolution racing its deadline, all on one strand. getaddrinfo
// cannot be interrupted: at the deadline the wait ends and a late answer is
// dropped (the resolver lives on in the shared state until it completes).
struct Resolution {
  explicit Resolution(const asio::any_io_executor& executor)
      : resolver(executor), timer(executor) {}
  tcp::resolver resolver;
  asio::steady_timer timer;
  beast::error_code error;
  Endpoints endpoints;
  bool done = false;
};

asio::awaitable<std::expected<Endpoints, Problem>> resolve_within(
    policy::Endpoint endpoint, std::chrono::milliseconds deadline) {
  const auto executor = co_await asio::this_coro::executor;
  auto state = std::make_shared<Resolution>(executor);
  state->timer.expires_after(deadline);
  state->resolver.async_resolve(endpoint.host, endpoint.port,
                                [state](const beast::error_code& ec, Endpoints endpoints) {
                                  state->error = ec;
                                  state->endpoints = std::move(endpoints);
                                  state->done = true;
                                  state->timer.cancel();
                                });
  auto [waited] = co_await state->timer.async_wait(kTuple);
  (void)waited;
  if (!state->done) {
    state->resolver.cancel();
    co_return std::unexpected(
        make_problem(ProblemKind::kRecipientTimeout, "no answer in time (resolving the host)"));
  }
  if (state->error) co_return std::unexpected(failure("resolve", state->error));
  co_return state->endpoints;
}

std::string pool_key(const Delivery& delivery) {
  return delivery.endpoint.host + ":" + delivery.endpoint.port + "/" + delivery.expected_oin;
}

}  // namespace

struct UpstreamPool::Impl {
  using Idle = std::vector<std::unique_ptr<Connection>>;  // oldest first

  asio::io_context& io;
  asio::ssl::context& tls;
  Limits limits;
  Timeouts timeouts;
  std::mutex mutex;
  std::unordered_map<std::string, Idle> idle;

  // The most recently used idle connection that is still usable; the ones
  // found too old or closed on the way are closed.
  std::unique_ptr<Connection> take_idle(const std::string& key) {
    Idle discarded;
    std::lock_guard lock(mutex);
    auto& list = idle[key];
    const auto now = Clock::now();
    while (!list.empty()) {
      auto connection = std::move(list.back());
      list.pop_back();
      if (now - connection->idle_since < kMaxIdleAge && still_usable(*connection)) {
        return connection;
      }
      discarded.push_back(std::move(connection));
    }
    return nullptr;
  }

  void give_back(const std::string& key, std::unique_ptr<Connection> connection) {
    connection->idle_since = Clock::now();
    Idle expired;
    std::lock_guard lock(mutex);
    drop_expired(connection->idle_since, expired);
    auto& list = idle[key];
    if (list.size() < limits.max_idle_upstream_per_endpoint) list.push_back(std::move(connection));
  }

  // Closes idle connections past kMaxIdleAge at every endpoint (caller holds mutex).
  void drop_expired(Clock::time_point now, Idle& expired) {
    for (auto& [key, list] : idle) {
      auto young = list.begin();
      while (young != list.end() && now - (*young)->idle_since >= kMaxIdleAge) ++young;
      expired.insert(expired.end(), std::make_move_iterator(list.begin()),
                     std::make_move_iterator(young));
      list.erase(list.begin(), young);
    }
  }

  asio::awaitable<std::expected<Endpoints, Problem>> resolve(const policy::Endpoint& endpoint) {
    auto strand = asio::make_strand(io);
    auto task = resolve_within(endpoint, timeouts.upstream_connect);
    auto [error, resolved] = co_await asio::co_spawn(strand, std::move(task), kTuple);
    if (error) co_return std::unexpected(unreachable("resolve: failed"));
    co_return resolved;
  }

  asio::awaitable<std::expected<std::unique_ptr<Connection>, Problem>> connect(
      const Delivery& delivery) {
    const auto& endpoint = delivery.endpoint;
    auto endpoints = co_await resolve(endpoint);
    if (!endpoints) co_return std::unexpected(endpoints.error());
    auto connection = std::make_unique<Connection>(io, tls);
    auto& socket_layer = beast::get_lowest_layer(connection->stream);
    socket_layer.expires_after(timeouts.upstream_connect);
    auto [connect_error, connected] = co_await socket_layer.async_connect(*endpoints, kTuple);
    if (connect_error) co_return std::unexpected(failure("connect", connect_error));
    boost::system::error_code ignored;
    socket_layer.socket().set_option(tcp::no_delay(true), ignored);
    auto* native = connection->stream.native_handle();
    if (!is_ip_address(endpoint.host)) SSL_set_tlsext_host_name(native, endpoint.host.c_str());
    connection->stream.set_verify_callback(asio::ssl::host_name_verification(endpoint.host));
    socket_layer.expires_after(timeouts.upstream_response);
    auto [handshake_error] =
        co_await connection->stream.async_handshake(asio::ssl::stream_base::client, kTuple);
    if (handshake_error) co_return std::unexpected(failure("TLS handshake", handshake_error));
    if (!delivery.expected_oin.empty() && certificate_oin(native) != delivery.expected_oin) {
      co_return std::unexpected(
          unreachable("the endpoint's certificate does not carry the recipient's OIN"));
    }
    co_return connection;
  }

  // Reads one reply within the deadline already set; refuses chunk
  // extensions (as they are parsed) and trailer fields (fields that appear
  // after the header block).
  // The recipient's final answer. Interim answers (1xx) before it are read
  // and skipped, at most kMaxInterimReplies of them; a 101 (an upgrade the
  // delivery never asked for) is a bad reply.
  asio::awaitable<std::expected<Exchanged, Problem>> read_reply(Connection& connection) {
    constexpr int kMaxInterimReplies = 8;
    for (int interim = 0;; ++interim) {
      http::response_parser<http::string_body> parser;
      parser.header_limit(kMaxReplyHeaderBytes);
      parser.body_limit(kMaxReplyBody);
      refuse_chunk_extensions(parser);
      auto [header_error, header_bytes] =
          co_await http::async_read_header(connection.stream, connection.buffer, parser, kTuple);
      if (header_error) co_return std::unexpected(reply_problem(header_error));
      const int status = static_cast<int>(parser.get().result_int());
      if (status == 101) co_return std::unexpected(bad_reply("it switches protocols"));
      if (status >= 100 && status < 200) {
        if (interim == kMaxInterimReplies) {
          co_return std::unexpected(bad_reply("it sends interim (1xx) replies without end"));
        }
        continue;
      }
      co_return co_await read_final(connection, parser);
    }
  }

  asio::awaitable<std::expected<Exchanged, Problem>> read_final(
      Connection& connection, http::response_parser<http::string_body>& parser) {
    const auto header_fields = std::distance(parser.get().begin(), parser.get().end());
    auto [read_error, read_bytes] =
        co_await http::async_read(connection.stream, connection.buffer, parser, kTuple);
    if (read_error) co_return std::unexpected(reply_problem(read_error));
    const auto& reply = parser.get();
    if (std::distance(reply.begin(), reply.end()) != header_fields) {
      co_return std::unexpected(bad_reply("it has trailer fields"));
    }
    const int status = static_cast<int>(reply.result_int());
    const bool reusable = reply.keep_alive() && connection.buffer.size() == 0;
    co_return Exchanged{status, reusable};
  }

  asio::awaitable<std::expected<Exchanged, Problem>> exchange(
      Connection& connection, http::request<http::string_body>& request) {
    beast::get_lowest_layer(connection.stream).expires_after(timeouts.upstream_response);
    auto [write_error, written] = co_await http::async_write(connection.stream, request, kTuple);
    if (write_error) co_return std::unexpected(failure("sending the delivery", write_error));
    co_return co_await read_reply(connection);
  }
};

UpstreamPool::UpstreamPool(asio::io_context& io, asio::ssl::context& tls, const Limits& limits,
                           const Timeouts& timeouts)
    : impl_(std::make_unique<Impl>(io, tls, limits, timeouts)) {}

UpstreamPool::~UpstreamPool() = default;

asio::awaitable<std::expected<DeliveryOutcome, Problem>> UpstreamPool::deliver(
    const Delivery& delivery) {
  auto request = to_request(delivery);
  if (!request) {
    co_return std::unexpected(
        make_problem(ProblemKind::kInternal, "the delivery has a header that cannot be sent"));
  }
  const std::string key = pool_key(delivery);
  auto connection = impl_->take_idle(key);
  if (!connection) {
    auto fresh = co_await impl_->connect(delivery);
    if (!fresh) co_return std::unexpected(fresh.error());
    connection = std::move(*fresh);
  }
  // From the first byte written the recipient may act on the message: any
  // failure from here on is reported, never retried (at most once).
  auto result = co_await impl_->exchange(*connection, *request);
  if (!result) co_return std::unexpected(result.error());
  if (result->reusable) impl_->give_back(key, std::move(connection));
  co_return DeliveryOutcome{result->status};
}

}  // namespace schakel::gateway
