// The partner listener behind a load balancer (issue 17): with
// listen.proxy_protocol set, a connection that begins with a PROXY v2 header
// (a client's address, or a LOCAL health check) goes on to its TLS handshake
// and is served; one that begins with anything else is closed before TLS.
#include <gtest/gtest.h>

#include "tests/support/peers.hpp"
#include "tests/support/raw_tls.hpp"
#include "tests/support/test_gateway.hpp"

namespace schakel::testing {
namespace {

const std::string kClient = proxy_ipv4_block();  // 192.0.2.7

class ProxyListenerTest : public ::testing::Test {
 protected:
  std::string ask(const std::string& preamble) {
    RawTlsConnection connection(gateway_.port(), partner_cert("politie-eenheid-voorbeeld"),
                                preamble);
    if (!connection.connected()) return "";
    connection.send("GET /v1/messages/nothing HTTP/1.1\r\nHost: localhost\r\n\r\n");
    return connection.receive("\r\n\r\n");
  }

  TlsUpstream upstream_;
  SilentPeer silent_;
  TestGateway gateway_{PeerPorts{upstream_.port(), silent_.port(), closed_port()},
                       [](gateway::Settings& settings) { settings.listen.proxy_protocol = true; }};
};

TEST_F(ProxyListenerTest, AClientBehindTheBalancerIsServed) {
  EXPECT_EQ(first_status(ask(proxy_header(1, 0x11, kClient))), 404) << "through TLS to the router";
  EXPECT_EQ(first_status(ask(proxy_header(0, 0x00, ""))), 404) << "a LOCAL health check";
}

TEST_F(ProxyListenerTest, AConnectionWithoutTheHeaderIsClosedBeforeTls) {
  EXPECT_EQ(ask(""), "") << "TLS first: refused";
  EXPECT_EQ(ask("PROXY TCP4 192.0.2.7 127.0.0.1 51000 8443\r\n"), "") << "version 1 text";
  EXPECT_EQ(ask(proxy_header(1, 0x12, kClient)), "") << "UDP";
  EXPECT_EQ(first_status(ask(proxy_header(1, 0x11, kClient))), 404) << "and the listener goes on";
}

}  // namespace
}  // namespace schakel::testing
