#pragma once
// HTTP clients for the tests: TLS with an optional client certificate of the
// test PKI (as a partner would connect), and plain HTTP for the admin
// listener. Each call opens one connection, sends one request and reads the
// reply, with a 15-second limit on the whole exchange.
#include <cstdint>
#include <expected>
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "gateway/http_types.hpp"

namespace schakel::testing {

struct ClientCert {
  std::filesystem::path cert;
  std::filesystem::path key;
};

// partner-<id>.pem of the test PKI, or any other name in it ("foreign-client").
[[nodiscard]] ClientCert cert_named(const std::string& name);
[[nodiscard]] ClientCert partner_cert(const std::string& partner_id);

struct HttpRequest {
  std::string method = "POST";
  std::string target = "/v1/messages";
  gateway::HeaderList headers;
  std::string body;
};

struct HttpResult {
  int status = 0;
  gateway::HeaderList headers;
  std::string body;

  [[nodiscard]] std::string header(const std::string& name) const;
  [[nodiscard]] nlohmann::json json() const;
};

[[nodiscard]] std::expected<HttpResult, std::string> tls_request(
    std::uint16_t port, const std::optional<ClientCert>& cert, const HttpRequest& request);
[[nodiscard]] std::expected<HttpResult, std::string> plain_request(std::uint16_t port,
                                                                   const HttpRequest& request);
[[nodiscard]] std::expected<HttpResult, std::string> plain_get(std::uint16_t port,
                                                               const std::string& target);

}  // namespace schakel::testing
