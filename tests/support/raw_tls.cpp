#include "tests/support/raw_tls.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>

#include "tests/support/paths.hpp"

namespace schakel::testing {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct RawTlsConnection::Impl {
  asio::io_context io;
  asio::ssl::context tls{asio::ssl::context::tls_client};
  std::unique_ptr<asio::ssl::stream<tcp::socket>> stream;
  bool connected = false;

  void set_receive_timeout(std::chrono::milliseconds wait) {
    timeval limit{};
    limit.tv_sec = static_cast<time_t>(wait.count() / 1000);
    limit.tv_usec = static_cast<suseconds_t>((wait.count() % 1000) * 1000);
    ::setsockopt(stream->lowest_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit,
                 sizeof limit);
  }
};

RawTlsConnection::RawTlsConnection(std::uint16_t port, const std::optional<ClientCert>& cert,
                                   const std::string& preamble)
    : impl_(std::make_unique<Impl>()) {
  boost::system::error_code ec;
  impl_->tls.load_verify_file((test_pki() / "ca.pem").string(), ec);
  impl_->tls.set_verify_mode(asio::ssl::verify_peer);
  if (cert) {
    impl_->tls.use_certificate_chain_file(cert->cert.string(), ec);
    impl_->tls.use_private_key_file(cert->key.string(), asio::ssl::context::pem, ec);
  }
  impl_->stream = std::make_unique<asio::ssl::stream<tcp::socket>>(impl_->io, impl_->tls);
  impl_->stream->lowest_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                                        ec);
  if (ec) return;
  if (!preamble.empty()) {
    asio::write(impl_->stream->next_layer(), asio::buffer(preamble), ec);
    if (ec) return;
  }
  impl_->set_receive_timeout(std::chrono::seconds(10));
  impl_->stream->handshake(asio::ssl::stream_base::client, ec);
  impl_->connected = !ec;
}

RawTlsConnection::~RawTlsConnection() = default;

bool RawTlsConnection::connected() const {
  return impl_->connected;
}

bool RawTlsConnection::send(const std::string& bytes) {
  if (!impl_->connected) return false;
  boost::system::error_code ec;
  asio::write(*impl_->stream, asio::buffer(bytes), ec);
  return !ec;
}

std::string RawTlsConnection::receive(const std::string& until, std::chrono::milliseconds wait) {
  std::string out;
  if (!impl_->connected) return out;
  impl_->set_receive_timeout(wait);
  char chunk[16384];
  for (;;) {
    boost::system::error_code ec;
    const std::size_t n = impl_->stream->read_some(asio::buffer(chunk), ec);
    out.append(chunk, n);
    if (ec || (!until.empty() && out.find(until) != std::string::npos)) return out;
  }
}

int first_status(const std::string& bytes) {
  if (!bytes.starts_with("HTTP/1.1 ") || bytes.size() < 12) return 0;
  return std::stoi(bytes.substr(9, 3));
}

std::string last_body(const std::string& bytes) {
  const auto head_end = bytes.rfind("\r\n\r\n");
  return head_end == std::string::npos ? std::string() : bytes.substr(head_end + 4);
}

std::string proxy_header(std::uint8_t command, std::uint8_t family, const std::string& block) {
  std::string out("\r\n\r\n\0\r\nQUIT\n", 12);
  out += static_cast<char>(0x20 | command);
  out += static_cast<char>(family);
  out += static_cast<char>(block.size() >> 8);
  out += static_cast<char>(block.size() & 0xFF);
  return out + block;
}

std::string proxy_ipv4_block() {
  return std::string("\xC0\x00\x02\x07\x7F\x00\x00\x01\xC7\x38\x20\xFB", 12);
}

}  // namespace schakel::testing
