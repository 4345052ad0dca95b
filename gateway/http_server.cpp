#include "gateway/http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "common/log.hpp"
#include "gateway/envelope.hpp"
#include "gateway/net.hpp"
#include "gateway/proxy_protocol.hpp"
#include "gateway/request_head.hpp"
#include "gateway/unauthenticated_connections.hpp"

namespace schakel::gateway {

using namespace net;  // NOLINT(google-build-using-namespace)

namespace {

// What reading one request ended with: the request, a problem to answer
// before closing, or neither (closed, timed out, reset: nothing to answer).
struct ReadResult {
  std::optional<Request> request;
  std::optional<Problem> problem;
  Request head;  // what was read of the head, for the refusal's audit record
  bool keep_alive = false;
};

// Refused connections are counted in the metrics; the log gets at most one
// summary line per interval, so a flood cannot fill the disk.
class RefusalSummary {
 public:
  void note(const std::string& listener, const ListenerMetrics& metrics) {
    using namespace std::chrono;
    const auto now = duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
    auto last = last_ms_.load();
    if (now - last < kIntervalMs || !last_ms_.compare_exchange_strong(last, now)) return;
    log::warn("listener.refusals",
              {{"listener", listener},
               {"handshakes_failed", std::to_string(metrics.handshakes_failed)},
               {"connections_shed", std::to_string(metrics.connections_shed)},
               {"connections_rejected", std::to_string(metrics.connections_rejected)},
               {"requests_malformed", std::to_string(metrics.requests_malformed)}});
  }

 private:
  static constexpr std::int64_t kIntervalMs = 10'000;
  std::atomic<std::int64_t> last_ms_{-kIntervalMs};
};

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(asio::io_context& io_context, HttpServerOptions server_options, HttpHandlers server_handlers,
       ListenerMetrics& server_metrics)
      : io(io_context),
        acceptor(asio::make_strand(io_context)),
        options(std::move(server_options)),
        handlers(std::move(server_handlers)),
        metrics(server_metrics),
        unauthenticated(options.limits.max_unauthenticated_connections,
                        options.limits.max_unauthenticated_per_address) {}

  asio::awaitable<void> accept_loop();
  [[nodiscard]] bool admit_over_cap();
  template <typename Stream>
  asio::awaitable<ReadResult> read_request(Stream& stream, beast::flat_buffer& buffer);
  template <typename Stream>
  asio::awaitable<std::optional<Problem>> buffer_head(Stream& stream, beast::flat_buffer& buffer,
                                                      bool& ended);
  asio::awaitable<Response> respond(const PeerIdentity& peer, const ReadResult& read);
  template <typename Stream>
  asio::awaitable<void> serve(Stream& stream, const PeerIdentity& peer);
  template <typename Stream>
  asio::awaitable<void> linger(Stream& stream);
  asio::awaitable<void> serve_plain(tcp::socket socket);
  asio::awaitable<void> serve_tls(tcp::socket socket);

  asio::io_context& io;
  tcp::acceptor acceptor;
  HttpServerOptions options;
  HttpHandlers handlers;
  ListenerMetrics& metrics;
  UnauthenticatedConnections unauthenticated;
  RefusalSummary refusals;
  std::atomic<std::int64_t> connections{0};
  std::atomic<bool> closing{false};
};

namespace {

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
// Room in the read buffer beyond the header limit: a chunk-size line or the
// last chunk's end must fit; a longer one is refused rather than buffered.
constexpr std::size_t kReadBufferSlack = 16 * 1024;

Request head_of(const http::request<http::string_body>& message) {
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  return request;
}

std::ptrdiff_t field_count(const http::request<http::string_body>& message) {
  return std::distance(message.begin(), message.end());
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

// What a read error means to the client, in words that name the construct
// refused (never the bytes that were sent).
std::string_view syntax_detail(const beast::error_code& ec) {
  using http::error;
  if (ec == error::bad_chunk_extension) return "chunk extensions are not part of the contract";
  if (ec == error::bad_chunk) return "a chunk's size line or framing is malformed";
  if (ec == error::bad_transfer_encoding) {
    return "Transfer-Encoding is repeated or conflicts with Content-Length";
  }
  if (ec == error::bad_content_length || ec == error::multiple_content_length) {
    return "Content-Length is malformed or given twice";
  }
  if (ec == error::bad_method || ec == error::bad_target || ec == error::bad_version) {
    return "the request line is not HTTP/1.1";
  }
  if (ec == error::bad_line_ending) return "lines must end with CRLF";
  if (ec == error::bad_obs_fold) return "folded header lines (obs-fold) are refused";
  return "a header line is not HTTP/1.1 field syntax";
}

// The answer a failed read deserves, or nothing when the peer went away or timed out.
std::optional<Problem> read_problem(const beast::error_code& ec) {
  if (ec == http::error::body_limit) {
    return make_problem(ProblemKind::kBodyTooLarge, "the body exceeds the gateway's limit");
  }
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
    return make_problem(ProblemKind::kHeadersTooLarge,
                        "the headers or a chunk line exceed the gateway's limit");
  }
  const bool http_syntax =
      ec.category() == http::make_error_code(http::error::bad_method).category();
  if (http_syntax && ec != http::error::end_of_stream && ec != http::error::partial_message) {
    return make_problem(ProblemKind::kMalformedRequest, std::string(syntax_detail(ec)));
  }
  return std::nullopt;
}

// Where the head in `bytes` ends (just past its empty line), if it is all
// there. A head with bare LF line endings ends too, so that the parser can
// refuse it at once rather than the header deadline ending it in silence.
std::optional<std::size_t> head_end(std::string_view bytes) {
  const auto crlf = bytes.find("\r\n\r\n");
  const auto lf = bytes.find("\n\n");
  if (crlf == std::string_view::npos && lf == std::string_view::npos) return std::nullopt;
  return crlf < lf ? crlf + 4 : lf + 2;
}

// A field line continued on the next by leading whitespace (obs-fold):
// parsers disagree on it, so it is refused (RFC 9112 5.2 allows either).
bool has_folded_line(std::string_view head) {
  return head.find("\r\n ") != std::string_view::npos ||
         head.find("\r\n\t") != std::string_view::npos;
}

std::string remote_address(const tcp::socket& socket) {
  beast::error_code error;
  const auto remote = socket.remote_endpoint(error);
  return error ? std::string() : remote.address().to_string();
}

Response internal_error() {
  return problem_response(
      make_problem(ProblemKind::kInternal, "the exchange failed inside the gateway"),
      new_transaction_id());
}

}  // namespace

// Reads until the whole head is in the buffer (under the header deadline set
// by the caller), so that it can be checked as sent before Beast parses it:
// folded lines are refused here. `ended`: the peer went away or timed out.
template <typename Stream>
asio::awaitable<std::optional<Problem>> HttpServer::Impl::buffer_head(Stream& stream,
                                                                      beast::flat_buffer& buffer,
                                                                      bool& ended) {
  constexpr std::size_t kReadChunk = 8 * 1024;
  const std::size_t limit = options.limits.max_header_bytes;
  for (;;) {
    const auto* bytes = static_cast<const char*>(buffer.data().data());
    const std::string_view seen(bytes, buffer.size());
    if (auto end = head_end(seen)) {
      if (has_folded_line(seen.substr(0, *end))) {
        co_return make_problem(ProblemKind::kMalformedRequest,
                               "folded header lines (obs-fold) are refused");
      }
      co_return std::nullopt;
    }
    if (buffer.size() > limit || buffer.size() == buffer.max_size()) {
      co_return make_problem(ProblemKind::kHeadersTooLarge,
                             "the headers exceed the gateway's limit");
    }
    const auto room = std::min(kReadChunk, buffer.max_size() - buffer.size());
    auto [error, read] = co_await stream.async_read_some(buffer.prepare(room), kTuple);
    if (error) {
      ended = true;
      co_return std::nullopt;
    }
    buffer.commit(read);
  }
}

// Head first (header deadline, checks, 100-continue), then the body (request
// deadline). Every read is bounded: header and body limits, a read buffer
// with a maximum, no chunk extensions, no trailers.
template <typename Stream>
asio::awaitable<ReadResult> HttpServer::Impl::read_request(Stream& stream,
                                                           beast::flat_buffer& buffer) {
  ReadResult result;
  http::request_parser<http::string_body> parser;
  parser.body_limit(options.limits.max_body_bytes);
  parser.header_limit(options.limits.max_header_bytes);
  refuse_chunk_extensions(parser);
  auto& socket_layer = beast::get_lowest_layer(stream);
  socket_layer.expires_after(options.timeouts.header);
  bool ended = false;
  if (auto refused = co_await buffer_head(stream, buffer, ended); refused || ended) {
    result.problem = std::move(refused);
    co_return result;
  }
  auto [head_error, head_bytes] = co_await http::async_read_header(stream, buffer, parser, kTuple);
  result.head = head_of(parser.get());
  if (head_error) {
    result.problem = read_problem(head_error);
    co_return result;
  }
  auto facts = check_head(result.head, static_cast<int>(parser.get().version()));
  if (!facts) {
    result.problem = facts.error();
    co_return result;
  }
  socket_layer.expires_after(options.timeouts.request);
  if (facts->expects_continue && !parser.is_done()) {
    const auto interim = asio::buffer(kContinue);
    auto [continue_error, sent] = co_await asio::async_write(stream, interim, kTuple);
    if (continue_error) co_return result;
  }
  const auto fields_in_head = field_count(parser.get());
  auto [body_error, body_bytes] = co_await http::async_read(stream, buffer, parser, kTuple);
  if (body_error) {
    result.problem = read_problem(body_error);
    co_return result;
  }
  if (field_count(parser.get()) != fields_in_head) {
    result.problem =
        make_problem(ProblemKind::kMalformedRequest, "trailer fields are not part of the contract");
    co_return result;
  }
  auto message = parser.release();
  result.keep_alive = message.keep_alive();
  result.request = head_of(message);
  result.request->body = std::move(message.body());
  co_return result;
}

// The handler's answer; an exception ends this exchange with a 500, never the thread.
asio::awaitable<Response> HttpServer::Impl::respond(const PeerIdentity& peer,
                                                    const ReadResult& read) {
  try {
    if (read.request) co_return co_await handlers.on_request(peer, *read.request);
    co_return co_await handlers.on_unread(peer, read.head, *read.problem);
  } catch (const std::exception&) {
    ++metrics.handler_exceptions;
    log::error("listener.handler_exception", {{"listener", options.name}});
  }
  co_return internal_error();
}

template <typename Stream>
asio::awaitable<void> HttpServer::Impl::serve(Stream& stream, const PeerIdentity& peer) {
  beast::flat_buffer buffer(options.limits.max_header_bytes + kReadBufferSlack);
  for (;;) {
    ReadResult read = co_await read_request(stream, buffer);
    if (!read.request && !read.problem) co_return;  // closed, timed out or reset
    if (read.problem && read.problem->kind != ProblemKind::kBodyTooLarge &&
        read.problem->kind != ProblemKind::kHeadersTooLarge) {
      ++metrics.requests_malformed;
    }
    // Arguments of co_await calls are named locals: g++ 12 may destroy
    // temporaries of a co_await expression twice.
    Response response = co_await respond(peer, read);
    const bool keep_alive = read.request && read.keep_alive && !closing.load();
    auto reply = to_message(response, keep_alive);
    beast::get_lowest_layer(stream).expires_after(options.timeouts.request);
    auto [write_error, written] = co_await http::async_write(stream, reply, kTuple);
    if (!write_error && read.problem) co_await linger(stream);
    if (write_error || !keep_alive) co_return;
  }
}

// After refusing a request whose body was left unread: read and discard what
// the client is still sending, briefly and boundedly, so that closing does not
// reset the connection before the client has read the refusal.
template <typename Stream>
asio::awaitable<void> HttpServer::Impl::linger(Stream& stream) {
  constexpr std::size_t kMaxDiscard = 1024 * 1024;
  constexpr auto kLinger = std::chrono::milliseconds(500);
  std::array<char, 16 * 1024> discard{};
  beast::get_lowest_layer(stream).expires_after(kLinger);
  for (std::size_t total = 0; total < kMaxDiscard;) {
    auto [error, read] = co_await stream.async_read_some(asio::buffer(discard), kTuple);
    if (error) co_return;
    total += read;
  }
}

asio::awaitable<void> HttpServer::Impl::serve_plain(tcp::socket socket) {
  const auto address = remote_address(socket);
  const int descriptor = socket.native_handle();
  beast::tcp_stream stream(std::move(socket));
  // Without TLS nobody authenticates by connecting: every connection stays sheddable.
  std::size_t shed = 0;
  auto unauthenticated_ticket = unauthenticated.admit(address, descriptor, shed);
  metrics.connections_shed += shed;
  const PeerIdentity anonymous;
  co_await serve(stream, anonymous);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

// Behind a load balancer (ListenAddress::proxy_protocol): the PROXY v2 header
// that precedes the client's bytes, read exactly (never a byte of the TLS
// handshake) under the handshake's deadline; the client's address from it,
// the balancer's own for a LOCAL health check; nullopt: refused, close.
asio::awaitable<std::optional<std::string>> read_proxy_header(beast::tcp_stream& stream,
                                                              std::chrono::milliseconds deadline) {
  std::array<std::uint8_t, kMaxProxyHeaderBytes> bytes{};
  stream.expires_after(deadline);
  auto [fixed_error, fixed] =
      co_await asio::async_read(stream, asio::buffer(bytes.data(), kProxyFixedBytes), kTuple);
  if (fixed_error) co_return std::nullopt;
  auto parsed = parse_proxy_v2(std::span(bytes).first(kProxyFixedBytes));
  if (!parsed && parsed.error() == ProxyError::kIncomplete) {
    // The fixed part parsed: its length field is within kMaxProxyHeaderBytes.
    const std::size_t length = (std::size_t{bytes[14]} << 8) | bytes[15];
    auto [rest_error, rest] = co_await asio::async_read(
        stream, asio::buffer(bytes.data() + kProxyFixedBytes, length), kTuple);
    if (rest_error) co_return std::nullopt;
    parsed = parse_proxy_v2(std::span(bytes).first(kProxyFixedBytes + length));
  }
  if (!parsed) co_return std::nullopt;
  if (!parsed->source) co_return remote_address(stream.socket());
  co_return parsed->source->address;
}

asio::awaitable<void> HttpServer::Impl::serve_tls(tcp::socket socket) {
  const int descriptor = socket.native_handle();
  beast::tcp_stream plain(std::move(socket));
  std::string address = remote_address(plain.socket());
  if (options.address.proxy_protocol) {
    auto source = co_await read_proxy_header(plain, options.timeouts.handshake);
    if (!source) {
      ++metrics.handshakes_failed;
      refusals.note(options.name, metrics);
      co_return;
    }
    address = std::move(*source);
  }
  // Declared before the stream: the context outlives the connection using it.
  const std::shared_ptr<asio::ssl::context> context = options.tls->snapshot();
  beast::ssl_stream<beast::tcp_stream> stream(std::move(plain), *context);
  // Declared after the stream: released before the socket closes.
  std::size_t shed = 0;
  auto unauthenticated_ticket = unauthenticated.admit(address, descriptor, shed);
  metrics.connections_shed += shed;
  beast::get_lowest_layer(stream).expires_after(options.timeouts.handshake);
  auto [handshake_error] = co_await stream.async_handshake(asio::ssl::stream_base::server, kTuple);
  if (handshake_error) {
    // A connection shed for room ends its handshake too; it is counted as shed only.
    if (unauthenticated_ticket.release()) ++metrics.handshakes_failed;
    refusals.note(options.name, metrics);
    co_return;
  }
  const PeerIdentity peer = peer_identity(stream.native_handle());
  // A certificate of the CA whose holder takes no part (no partner) stays
  // sheddable: it cannot hold the slots partners need.
  if (!options.is_member || options.is_member(peer)) unauthenticated_ticket.release();
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
    if (connections.load() >= static_cast<std::int64_t>(options.limits.max_connections) &&
        !admit_over_cap()) {
      ++metrics.connections_rejected;
      refusals.note(options.name, metrics);
      continue;  // the socket closes as it goes out of scope
    }
    ++metrics.connections_accepted;
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto executor = socket.get_executor();
    asio::co_spawn(
        executor,
        [self, accepted = std::move(socket)]() mutable -> asio::awaitable<void> {
          GaugeScope open(self->connections);
          GaugeScope gauge(self->metrics.connections_active);
          if (self->options.tls) {
            co_await self->serve_tls(std::move(accepted));
          } else {
            co_await self->serve_plain(std::move(accepted));
          }
        },
        [self](std::exception_ptr error) {
          if (!error) return;
          ++self->metrics.handler_exceptions;
          log::error("listener.session_exception", {{"listener", self->options.name}});
        });
  }
}

// At the connection cap a newcomer still gets in when an unauthenticated
// connection can be shed for it; authenticated partners are never shed.
bool HttpServer::Impl::admit_over_cap() {
  if (!unauthenticated.shed_oldest()) return false;
  ++metrics.connections_shed;
  return true;
}

std::expected<std::unique_ptr<HttpServer>, std::string> HttpServer::bind(asio::io_context& io,
                                                                         HttpServerOptions options,
                                                                         HttpHandlers handlers,
                                                                         ListenerMetrics& metrics) {
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
