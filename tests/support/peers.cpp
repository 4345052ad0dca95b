#include "tests/support/peers.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <stdexcept>

#include "gateway/http_server.hpp"
#include "tests/support/paths.hpp"

namespace schakel::testing {
namespace {

namespace asio = boost::asio;

// A listening IPv4 socket on 127.0.0.1:0; returns fd and port.
std::pair<int, std::uint16_t> listen_loopback() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(fd, 64) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("cannot listen on loopback");
  }
  return {fd, ntohs(address.sin_port)};
}

}  // namespace

std::string Received::header(const std::string& name) const {
  gateway::Request view{"", "", headers, ""};
  const auto* value = view.header(name);
  return value ? *value : std::string();
}

std::string Received::all_bytes() const {
  std::string out = target + "\n";
  for (const auto& [name, value] : headers) out += name + ": " + value + "\n";
  return out + body;
}

struct TlsUpstream::Impl {
  asio::io_context io;
  std::unique_ptr<gateway::TlsContextHolder> tls;
  gateway::ListenerMetrics metrics;
  std::unique_ptr<gateway::HttpServer> server;
  std::thread thread;
};

TlsUpstream::TlsUpstream(const std::string& certificate) : impl_(std::make_unique<Impl>()) {
  gateway::TlsFiles files;
  files.ca = test_pki() / "ca.pem";
  files.server_cert = test_pki() / (certificate + ".pem");
  files.server_key = test_pki() / (certificate + ".key");
  auto tls = gateway::make_server_context(files);
  if (!tls) throw std::runtime_error(tls.error());
  impl_->tls = std::make_unique<gateway::TlsContextHolder>(std::move(*tls));
  gateway::HttpHandlers handlers{
      [this](const gateway::PeerIdentity& peer,
             const gateway::Request& request) -> asio::awaitable<gateway::Response> {
        {
          std::lock_guard lock(mutex_);
          received_.push_back({request.target, request.headers, request.body, peer.oin});
        }
        co_return gateway::Response{status_.load(), "application/json", {}, R"({"ok":true})"};
      },
      [](const gateway::PeerIdentity&, const gateway::Request&,
         const Problem& problem) -> asio::awaitable<gateway::Response> {
        co_return gateway::Response{problem.status(), "text/plain", {}, ""};
      }};
  gateway::HttpServerOptions options{
      "test-upstream", {"127.0.0.1", 0}, impl_->tls.get(), {}, {}, {}};
  auto server = gateway::HttpServer::bind(impl_->io, options, std::move(handlers), impl_->metrics);
  if (!server) throw std::runtime_error(server.error());
  impl_->server = std::move(*server);
  impl_->server->start();
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

TlsUpstream::~TlsUpstream() {
  impl_->io.stop();
  impl_->thread.join();
  impl_->server.reset();
}

std::uint16_t TlsUpstream::port() const {
  return impl_->server->port();
}

std::vector<Received> TlsUpstream::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

std::vector<Received> TlsUpstream::received_with(const std::string& transaction_id) const {
  std::vector<Received> out;
  for (auto& item : received()) {
    if (item.header("Fsc-Transaction-Id") == transaction_id) out.push_back(item);
  }
  return out;
}

SilentPeer::SilentPeer() {
  std::tie(fd_, port_) = listen_loopback();
}
SilentPeer::~SilentPeer() {
  ::close(fd_);
}

std::uint16_t closed_port() {
  auto [fd, port] = listen_loopback();
  ::close(fd);
  return port;
}

}  // namespace schakel::testing
