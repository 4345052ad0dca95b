#pragma once
// TLS contexts of the gateway, built once at start-up from the region's PKI.
// Both accept TLS 1.2 and 1.3 only, with forward-secret suites only. The
// server context demands a client certificate chained to the region's CA; the
// client context presents the gateway's certificate to recipients and
// verifies theirs against the same CA. Bad files stop start-up with a message
// naming the file.
#include <expected>
#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "gateway/settings.hpp"

struct ssl_st;

namespace schakel::gateway {

namespace ssl = boost::asio::ssl;

[[nodiscard]] std::expected<std::unique_ptr<ssl::context>, std::string> make_server_context(
    const TlsFiles& files);
[[nodiscard]] std::expected<std::unique_ptr<ssl::context>, std::string> make_client_context(
    const TlsFiles& files);

// Who is on the other end of a verified connection, from the certificate's
// Subject: serialNumber (the 20-digit OIN) and O (the organisation's name).
struct PeerIdentity {
  std::string oin;
  std::string organisation;
};
[[nodiscard]] PeerIdentity peer_identity(ssl_st* connection);

}  // namespace schakel::gateway
