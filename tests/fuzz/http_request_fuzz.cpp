// Fuzz target: raw bytes as one TCP connection to the gateway's listener —
// the real gateway::HttpServer (plain HTTP; read_request with its header,
// body and buffer limits, check_head, 100-continue, keep-alive, chunked
// bodies) — whose handler runs the pipeline's first stages on each request
// read: transaction_id_of, trace_context_of, read_envelope, the codec's
// decode, and problem_response for refusals, as the pipeline does.
//
// The server runs once per process on 127.0.0.1 (an io_context on its own
// thread); each input is written over a fresh connection, half-closed, and
// read back until the server closes. Findings: an exception anywhere in the
// exchange (the server counts them as handler_exceptions), a request handed
// on that the listener must refuse, a server that does not close after the
// client's end, and memory errors under ASan.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <future>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "adapters/codec.hpp"
#include "common/log.hpp"
#include "gateway/envelope.hpp"
#include "gateway/http_server.hpp"
#include "gateway/trace_context.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

namespace asio = boost::asio;
using namespace schakel::gateway;  // NOLINT(google-build-using-namespace)
using schakel::fuzz::require;
using schakel::fuzz::violated;

// Small limits, so that inputs of a few KiB reach them.
constexpr std::uint32_t kMaxHeaderBytes = 1024;
constexpr std::size_t kMaxBodyBytes = 2048;
constexpr auto kServerClosesWithin = std::chrono::seconds(5);

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// What the listener hands on is what the contract allows of a head.
void check_request(const Request& request) {
  require(request.body.size() <= kMaxBodyBytes, "a body over the limit was handed on");
  std::size_t header_bytes = 0;
  std::vector<std::string> names;
  for (const auto& [name, value] : request.headers) {
    header_bytes += name.size() + value.size();
    names.push_back(lower(name));
    require(value.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos,
            "a header value holds CR, LF or NUL");
  }
  require(header_bytes <= kMaxHeaderBytes, "headers over the limit were handed on");
  std::ranges::sort(names);
  require(std::ranges::adjacent_find(names) == names.end(), "a duplicate header was handed on");
}

// The pipeline's first stages, in its order; a refusal becomes problem+json.
Response first_stages(const Request& request) {
  static const schakel::adapters::CodecRegistry codecs;
  check_request(request);
  const auto transaction = transaction_id_of(request);
  if (!transaction) return problem_response(transaction.error(), new_transaction_id());
  const auto trace = trace_context_of(request);
  if (!trace) return problem_response(trace.error(), *transaction);
  if (!trace->caller_traceparent.empty()) {
    const auto again = parse_traceparent(trace->caller_traceparent);
    require(again && *again == trace->caller_traceparent,
            "an accepted traceparent does not reparse to itself");
  }
  const auto envelope = read_envelope(request);
  if (!envelope) return problem_response(envelope.error(), *transaction);
  const std::string* content_type = request.header("Content-Type");
  const auto* codec = content_type ? codecs.find(*content_type) : nullptr;
  if (!codec) {
    return problem_response(
        schakel::make_problem(schakel::ProblemKind::kUnsupportedMediaType, "unsupported"),
        *transaction);
  }
  auto message = codec->decode(request.body);
  if (!message) return problem_response(message.error(), *transaction);
  Response response;
  response.body = codec->encode(*message).value();
  return response;
}

asio::awaitable<Response> on_request(const PeerIdentity&, const Request& request) {
  co_return first_stages(request);
}

asio::awaitable<Response> on_unread(const PeerIdentity&, const Request&,
                                    const schakel::Problem& problem) {
  co_return problem_response(problem, new_transaction_id());
}

struct Listener {
  asio::io_context io{1};
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  ListenerMetrics metrics;
  std::unique_ptr<HttpServer> server;
  std::thread thread;
  sockaddr_in address{};

  Listener() {
    schakel::log::set_level(schakel::log::Level::kError);
    HttpServerOptions options;
    options.name = "fuzz";
    options.limits.max_header_bytes = kMaxHeaderBytes;
    options.limits.max_body_bytes = kMaxBodyBytes;
    options.timeouts.handshake = std::chrono::seconds(2);
    options.timeouts.header = std::chrono::seconds(2);
    options.timeouts.request = std::chrono::seconds(2);
    auto bound = HttpServer::bind(io, options, HttpHandlers{on_request, on_unread}, metrics);
    if (!bound) violated("cannot bind the fuzz listener");
    server = std::move(*bound);
    server->start();
    address.sin_family = AF_INET;
    address.sin_port = htons(server->port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    thread = std::thread([this] { io.run(); });
  }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Waits until every connection has ended and the server's queued handlers ran.
  void settle() {
    const auto deadline = std::chrono::steady_clock::now() + kServerClosesWithin;
    while (metrics.connections_active.load() != 0) {
      if (std::chrono::steady_clock::now() > deadline) violated("a connection outlived its client");
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
    std::promise<void> drained;
    asio::post(io, [&drained] { drained.set_value(); });
    drained.get_future().wait();
  }
};

// A connection to the listener from a loopback address of its own
// (127.x.y.z): each input's connection ends in TIME_WAIT on the client side
// (it half-closes first), and one source address alone would run out of
// ports after some 28,000 inputs.
int connect_to(const Listener& listener) {
  static std::uint32_t next_source = 0;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) violated("no socket");
  sockaddr_in source{};
  source.sin_family = AF_INET;
  source.sin_addr.s_addr = htonl(0x7f000000u | (1u + next_source++ % 0xfffffeu));
  bool connected = ::bind(fd, reinterpret_cast<const sockaddr*>(&source), sizeof source) == 0 &&
                   ::connect(fd, reinterpret_cast<const sockaddr*>(&listener.address),
                             sizeof listener.address) == 0;
  if (!connected && errno == EINTR) {
    // libFuzzer's timer signal interrupted the connect, which goes on: wait for it.
    pollfd writable{fd, POLLOUT, 0};
    int error = 0;
    socklen_t length = sizeof error;
    connected = ::poll(&writable, 1, 5000) == 1 &&
                ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0;
  }
  if (!connected) {
    static std::string why;
    why = std::string("cannot connect to the fuzz listener: ") + std::strerror(errno);
    violated(why.c_str());
  }
  return fd;
}

// Writes the input, half-closes, reads until the server closes.
void send_and_read(const Listener& listener, std::string_view input) {
  const int fd = connect_to(listener);
  // The server may close before all is written (a refusal): errors are fine.
  std::size_t sent = 0;
  while (sent < input.size()) {
    const auto n = ::send(fd, input.data() + sent, input.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  const auto deadline = std::chrono::steady_clock::now() + kServerClosesWithin;
  char buffer[16 * 1024];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd readable{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&readable, 1, static_cast<int>(left.count())) == 0) {
      violated("the listener did not close after the client's end");
    }
    const auto n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;  // closed or reset
  }
  ::close(fd);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Never destroyed: its thread runs the io_context until the process exits.
  static Listener& listener = *new Listener;
  send_and_read(listener, schakel::fuzz::text_of(data, size));
  listener.settle();
  require(listener.metrics.handler_exceptions.load() == 0,
          "an exception escaped a stage or the listener (handler_exceptions)");
  return 0;
}
