#include "tests/support/client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl.hpp>

#include "gateway/net.hpp"
#include "tests/support/paths.hpp"

namespace schakel::testing {
namespace {

using namespace net;  // NOLINT(google-build-using-namespace)
using Result = std::expected<HttpResult, std::string>;
constexpr auto kTimeout = std::chrono::seconds(15);

http::request<http::string_body> to_message(const HttpRequest& request, std::uint16_t port) {
  http::request<http::string_body> message{http::string_to_verb(request.method), request.target,
                                           11};
  message.set(http::field::host, "localhost:" + std::to_string(port));
  for (const auto& [name, value] : request.headers) message.set(name, value);
  message.body() = request.body;
  message.prepare_payload();
  message.keep_alive(false);
  return message;
}

HttpResult from_message(const http::response<http::string_body>& message) {
  HttpResult result{static_cast<int>(message.result_int()), {}, message.body()};
  for (const auto& field : message) {
    result.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  return result;
}

template <typename Stream>
asio::awaitable<Result> exchange(Stream& stream, const HttpRequest& request, std::uint16_t port) {
  auto message = to_message(request, port);
  auto [write_error, written] = co_await http::async_write(stream, message, kTuple);
  // A server refusing early may close before reading everything; read its reply anyway.
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 * 1024 * 1024);
  auto [read_error, read] = co_await http::async_read(stream, buffer, parser, kTuple);
  if (read_error) {
    co_return std::unexpected("no reply: " + (write_error ? write_error : read_error).message());
  }
  co_return from_message(parser.get());
}

asio::awaitable<Result> run_tls(asio::ssl::context& tls, std::uint16_t port,
                                const HttpRequest& request) {
  beast::ssl_stream<beast::tcp_stream> stream(co_await asio::this_coro::executor, tls);
  beast::get_lowest_layer(stream).expires_after(kTimeout);
  auto [connect_error] = co_await beast::get_lowest_layer(stream).socket().async_connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), kTuple);
  if (connect_error) co_return std::unexpected("connect: " + connect_error.message());
  auto [handshake_error] = co_await stream.async_handshake(asio::ssl::stream_base::client, kTuple);
  if (handshake_error) co_return std::unexpected("handshake: " + handshake_error.message());
  co_return co_await exchange(stream, request, port);
}

asio::awaitable<Result> run_plain(std::uint16_t port, const HttpRequest& request) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  stream.expires_after(kTimeout);
  auto [connect_error] = co_await stream.socket().async_connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), kTuple);
  if (connect_error) co_return std::unexpected("connect: " + connect_error.message());
  co_return co_await exchange(stream, request, port);
}

Result run(asio::io_context& io, asio::awaitable<Result> task) {
  Result result = std::unexpected(std::string("did not finish"));
  asio::co_spawn(io, std::move(task), [&](std::exception_ptr error, Result value) {
    result = error ? Result(std::unexpected(std::string("exception"))) : std::move(value);
  });
  io.run();
  return result;
}

}  // namespace

ClientCert cert_named(const std::string& name) {
  return {test_pki() / (name + ".pem"), test_pki() / (name + ".key")};
}

ClientCert partner_cert(const std::string& partner_id) {
  return cert_named("partner-" + partner_id);
}

std::string HttpResult::header(const std::string& name) const {
  gateway::Request view{"", "", headers, ""};
  const auto* value = view.header(name);
  return value ? *value : std::string();
}

nlohmann::json HttpResult::json() const {
  return nlohmann::json::parse(body, nullptr, false);
}

Result tls_request(std::uint16_t port, const std::optional<ClientCert>& cert,
                   const HttpRequest& request) {
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.load_verify_file((test_pki() / "ca.pem").string());
  tls.set_verify_mode(asio::ssl::verify_peer);
  if (cert) {
    tls.use_certificate_chain_file(cert->cert.string());
    tls.use_private_key_file(cert->key.string(), asio::ssl::context::pem);
  }
  asio::io_context io;
  return run(io, run_tls(tls, port, request));
}

Result plain_request(std::uint16_t port, const HttpRequest& request) {
  asio::io_context io;
  return run(io, run_plain(port, request));
}

Result plain_get(std::uint16_t port, const std::string& target) {
  return plain_request(port, HttpRequest{"GET", target, {}, ""});
}

}  // namespace schakel::testing
