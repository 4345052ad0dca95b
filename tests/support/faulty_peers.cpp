#include "tests/support/faulty_peers.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>

#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "gateway/net.hpp"
#include "gateway/tls.hpp"
#include "tests/support/paths.hpp"

namespace schakel::testing {
namespace {

using namespace net;  // NOLINT(google-build-using-namespace)
using Stream = beast::ssl_stream<beast::tcp_stream>;
constexpr auto kHold = std::chrono::seconds(30);  // longest any connection lives
constexpr std::size_t kPiece = 64 * 1024;
constexpr std::size_t kMaxStreamed = 256 * 1024 * 1024;  // "endless" ends here at the latest

const std::string kOk =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n"
    "{\"ok\":true}";
const std::string kChunkedHead =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";

asio::awaitable<bool> send(Stream& stream, const std::string& bytes) {
  beast::get_lowest_layer(stream).expires_after(kHold);
  const auto buffer = asio::buffer(bytes);
  // Arguments of co_await calls are named locals (g++ 12, see gateway/http_server.cpp).
  auto [error, written] = co_await asio::async_write(stream, buffer, kTuple);
  co_return !error;
}

// Sends `head`, then `piece` again and again until the gateway stops reading
// or `limit` bytes went out.
asio::awaitable<void> stream_out(Stream& stream, const std::string& head, const std::string& piece,
                                 std::size_t limit) {
  if (!co_await send(stream, head)) co_return;
  for (std::size_t sent = 0; sent < limit; sent += piece.size()) {
    if (!co_await send(stream, piece)) co_return;
  }
}

// Holds the connection until the gateway closes it (or kHold passes).
asio::awaitable<void> hold(Stream& stream) {
  std::array<char, 512> sink{};
  for (;;) {
    beast::get_lowest_layer(stream).expires_after(kHold);
    auto buffer = asio::buffer(sink);
    auto [error, read] = co_await stream.async_read_some(buffer, kTuple);
    if (error) co_return;
  }
}

void close_now(Stream& stream, bool reset) {
  auto& socket = beast::get_lowest_layer(stream).socket();
  beast::error_code ignored;
  if (reset) socket.set_option(asio::socket_base::linger(true, 0), ignored);
  if (!reset) socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

// Answers one request as `fault` says; false when the connection is done.
asio::awaitable<bool> act(Stream& stream, Fault fault, int request_on_connection) {
  switch (fault) {
    case Fault::kNone:
      co_return co_await send(stream, kOk);
    case Fault::kReset:
      close_now(stream, true);
      co_return false;
    case Fault::kStallMidResponse: {
      const std::string part = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"ok\"";
      if (co_await send(stream, part)) co_await hold(stream);
      co_return false;
    }
    case Fault::kGarbage: {
      const std::string garbage = "SSH-2.0-OpenSSH_9.2\r\n\x01\x02 this is not HTTP\r\n\r\n";
      co_await send(stream, garbage);
      close_now(stream, false);
      co_return false;
    }
    case Fault::kOversizedHeaders: {
      const std::string head = "HTTP/1.1 200 OK\r\nX-Filler: ";
      const std::string piece(kPiece, 'a');
      co_await stream_out(stream, head, piece, 16 * 1024 * 1024);
      co_return false;
    }
    case Fault::kOversizedBody: {
      const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 16777216\r\n\r\n";
      const std::string piece(kPiece, 'b');
      co_await stream_out(stream, head, piece, 16 * 1024 * 1024);
      co_return false;
    }
    case Fault::kEndless: {
      const std::string piece = "1000\r\n" + std::string(4096, 'c') + "\r\n";
      co_await stream_out(stream, kChunkedHead, piece, kMaxStreamed);
      co_return false;
    }
    case Fault::kTrailer: {
      const std::string reply = kChunkedHead + "2\r\nok\r\n0\r\nX-Checksum: 1234\r\n\r\n";
      co_return co_await send(stream, reply);
    }
    case Fault::kHugeTrailer: {
      const std::string reply =
          kChunkedHead + "2\r\nok\r\n0\r\nX-Huge: " + std::string(100 * 1024, 'd') + "\r\n\r\n";
      co_return co_await send(stream, reply);
    }
    case Fault::kHugeChunkExtension: {
      const std::string head = kChunkedHead + "2;ext=";
      const std::string piece(kPiece, 'e');
      co_await stream_out(stream, head, piece, 1024 * 1024);
      const std::string rest = "\r\nok\r\n0\r\n\r\n";
      co_return co_await send(stream, rest);
    }
    case Fault::kCloseAfterReply:
      co_await send(stream, kOk);
      close_now(stream, false);
      co_return false;
    case Fault::kCloseOnSecondRequest:
      if (request_on_connection == 0) co_return co_await send(stream, kOk);
      close_now(stream, false);
      co_return false;
    case Fault::kInterimThenOk: {
      const std::string interim =
          "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\nX-Progress: 1\r\n\r\n";
      co_return co_await send(stream, interim + kOk);
    }
    case Fault::kSwitchingProtocols: {
      const std::string upgrade =
          "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n";
      if (co_await send(stream, upgrade)) co_await hold(stream);
      co_return false;
    }
    case Fault::kEndlessInterim: {
      const std::string processing = "HTTP/1.1 102 Processing\r\n\r\n";
      co_await stream_out(stream, processing, processing, 1024 * 1024);
      co_return false;
    }
  }
  co_return false;
}

}  // namespace

struct FaultyRecipient::Impl {
  std::unique_ptr<asio::ssl::context> tls;
  std::vector<Fault> faults;
  std::atomic<std::size_t> next_fault{0};
  std::atomic<std::size_t> accepted{0};
  mutable std::mutex mutex;
  std::vector<std::string> transaction_ids;  // of every request read whole
  // Declared after what the sessions use: destroying the I/O context ends them first.
  asio::io_context io;
  std::optional<tcp::acceptor> acceptor;
  std::thread thread;

  Fault take_fault() { return faults[next_fault++ % faults.size()]; }

  void record(const http::request<http::string_body>& request) {
    const std::string id(request["Fsc-Transaction-Id"]);
    std::lock_guard lock(mutex);
    transaction_ids.push_back(id);
  }

  asio::awaitable<void> session(tcp::socket socket) {
    Stream stream(std::move(socket), *tls);
    beast::get_lowest_layer(stream).expires_after(kHold);
    auto [handshake_error] =
        co_await stream.async_handshake(asio::ssl::stream_base::server, kTuple);
    if (handshake_error) co_return;
    beast::flat_buffer buffer;
    for (int on_connection = 0;; ++on_connection) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(1024 * 1024);
      beast::get_lowest_layer(stream).expires_after(kHold);
      auto [read_error, read] = co_await http::async_read(stream, buffer, parser, kTuple);
      if (read_error) co_return;
      record(parser.get());
      if (!co_await act(stream, take_fault(), on_connection)) co_return;
    }
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [error, socket] = co_await acceptor->async_accept(kTuple);
      if (error) co_return;
      ++accepted;
      asio::co_spawn(io, session(std::move(socket)), asio::detached);
    }
  }
};

FaultyRecipient::FaultyRecipient(std::vector<Fault> faults, const std::string& certificate)
    : impl_(std::make_shared<Impl>()) {
  if (faults.empty()) throw std::invalid_argument("FaultyRecipient needs at least one fault");
  impl_->faults = std::move(faults);
  gateway::TlsFiles files;
  files.ca = test_pki() / "ca.pem";
  files.server_cert = test_pki() / (certificate + ".pem");
  files.server_key = test_pki() / (certificate + ".key");
  auto tls = gateway::make_server_context(files);
  if (!tls) throw std::runtime_error(tls.error());
  impl_->tls = std::move(*tls);
  impl_->acceptor.emplace(impl_->io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

FaultyRecipient::~FaultyRecipient() {
  impl_->io.stop();
  impl_->thread.join();
}

std::uint16_t FaultyRecipient::port() const {
  return impl_->acceptor->local_endpoint().port();
}

std::size_t FaultyRecipient::requests_read() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->transaction_ids.size();
}

std::size_t FaultyRecipient::requests_with(const std::string& transaction_id) const {
  std::lock_guard lock(impl_->mutex);
  return static_cast<std::size_t>(
      std::count(impl_->transaction_ids.begin(), impl_->transaction_ids.end(), transaction_id));
}

std::size_t FaultyRecipient::connections_accepted() const {
  return impl_->accepted.load();
}

}  // namespace schakel::testing
