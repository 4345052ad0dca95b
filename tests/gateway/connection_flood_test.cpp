// Connection slots under attack (issue 9, defect 4): thousands of idle TCP
// connections and TLS clients without a certificate from another address,
// and a partner that authenticated but sends its headers byte by byte. A
// well-behaved partner keeps being served, and the refusals are counted in
// /metrics rather than logged one by one.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/support/client.hpp"
#include "tests/support/peers.hpp"
#include "tests/support/raw_tls.hpp"
#include "tests/support/test_gateway.hpp"

namespace schakel::testing {
namespace {

// A TCP connection from `source` (another loopback address) that says nothing.
int idle_connection(const char* source, std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  ::inet_pton(AF_INET, source, &local.sin_addr);
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0) {
    if (fd >= 0) ::close(fd);
    return -1;
  }
  return fd;
}

std::uint64_t metric(std::uint16_t admin_port, const std::string& name) {
  auto reply = plain_get(admin_port, "/metrics");
  if (!reply) return 0;
  const auto at = reply->body.find("\n" + name + " ");
  return at == std::string::npos ? 0 : std::stoull(reply->body.substr(at + name.size() + 2));
}

// The metric once it reached `at_least`, or its value after 5 s (the server
// counts a refusal just after the client saw it).
std::uint64_t metric_reaching(std::uint16_t admin_port, const std::string& name,
                              std::uint64_t at_least) {
  std::uint64_t value = 0;
  for (int i = 0; i < 500 && (value = metric(admin_port, name)) < at_least; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return value;
}

std::size_t occurrences(const std::string& text, const std::string& word) {
  std::size_t count = 0;
  for (std::size_t at = 0; (at = text.find(word, at)) != std::string::npos; at += word.size()) {
    ++count;
  }
  return count;
}

class ConnectionFloodTest : public ::testing::Test {
 protected:
  ConnectionFloodTest()
      : gateway_({upstream_.port(), silent_.port(), closed_port()}, [](gateway::Settings& s) {
          s.limits.max_connections = 400;
          s.limits.max_unauthenticated_connections = 100;
          s.limits.max_unauthenticated_per_address = 50;
          s.timeouts.header = std::chrono::milliseconds(1500);
        }) {}

  TlsUpstream upstream_;
  SilentPeer silent_;
  TestGateway gateway_;
};

TEST_F(ConnectionFloodTest, APartnerIsServedWhileThousandsOfIdleConnectionsArrive) {
  std::atomic<bool> flooding{true};
  std::atomic<int> opened{0};
  std::thread flood([&] {
    std::vector<int> held;
    for (int i = 0; i < 2000 && flooding; ++i) {
      if (const int fd = idle_connection("127.0.0.2", gateway_.port()); fd >= 0) {
        held.push_back(fd);
        ++opened;
      }
    }
    while (flooding) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    for (const int fd : held) ::close(fd);
  });
  int delivered = 0;
  for (int i = 0; i < 30; ++i) {
    auto reply =
        tls_request(gateway_.port(), partner_cert("politie-eenheid-voorbeeld"), e33_request());
    if (reply && reply->status == 200) ++delivered;
  }
  while (opened < 2000 && opened > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (metric(gateway_.admin_port(), "schakel_connections_shed_total{listener=\"partner\"}") >=
        1900)
      break;
  }
  auto after =
      tls_request(gateway_.port(), partner_cert("politie-eenheid-voorbeeld"), e33_request());
  flooding = false;
  flood.join();
  EXPECT_EQ(delivered, 30) << "a partner was refused while strangers held connections";
  ASSERT_TRUE(after.has_value()) << after.error();
  EXPECT_EQ(after->status, 200);
  EXPECT_GT(opened.load(), 1000);
  EXPECT_GE(metric_reaching(gateway_.admin_port(),
                            "schakel_connections_shed_total{listener=\"partner\"}", 1000),
            1000u);
  gateway_.stop();
  EXPECT_LE(occurrences(gateway_.log(), "listener."), 2u) << "refusals were logged one by one";
}

TEST_F(ConnectionFloodTest, IdleConnectionsCannotTakeTheAdminListener) {
  // Past max_connections (400) on the plain admin listener: the oldest idle
  // connections are shed, so health checks and scrapes keep getting in.
  std::vector<int> held;
  for (int i = 0; i < 450; ++i) {
    if (const int fd = idle_connection("127.0.0.3", gateway_.admin_port()); fd >= 0) {
      held.push_back(fd);
    }
  }
  auto health = plain_get(gateway_.admin_port(), "/healthz");
  for (const int fd : held) ::close(fd);
  EXPECT_GT(held.size(), 400u);
  ASSERT_TRUE(health.has_value()) << health.error();
  EXPECT_EQ(health->status, 200);
  EXPECT_GE(metric_reaching(gateway_.admin_port(),
                            "schakel_connections_shed_total{listener=\"admin\"}", 50),
            50u);
}

TEST_F(ConnectionFloodTest, CertificatesOfNoPartnerCannotHoldThePartnersSlots) {
  // 450 connections that finish the handshake with a region certificate of
  // no partner, past max_connections (400): they stay sheddable.
  std::vector<std::unique_ptr<RawTlsConnection>> strangers;
  for (int i = 0; i < 450; ++i) {
    strangers.push_back(
        std::make_unique<RawTlsConnection>(gateway_.port(), cert_named("unknown-partner")));
  }
  int delivered = 0;
  for (int i = 0; i < 10; ++i) {
    auto reply =
        tls_request(gateway_.port(), partner_cert("politie-eenheid-voorbeeld"), e33_request());
    if (reply && reply->status == 200) ++delivered;
  }
  EXPECT_EQ(delivered, 10) << "strangers with certificates held the partners' slots";
  EXPECT_GE(metric_reaching(gateway_.admin_port(),
                            "schakel_connections_shed_total{listener=\"partner\"}", 350),
            350u);
}

TEST_F(ConnectionFloodTest, ClientsWithoutACertificateAreCountedNotLogged) {
  for (int i = 0; i < 50; ++i) {
    auto reply = tls_request(gateway_.port(), std::nullopt, e33_request());
    EXPECT_FALSE(reply.has_value() && reply->status == 200);
  }
  EXPECT_GE(metric_reaching(gateway_.admin_port(),
                            "schakel_tls_handshakes_failed_total{listener=\"partner\"}", 50),
            50u);
  auto reply =
      tls_request(gateway_.port(), partner_cert("politie-eenheid-voorbeeld"), e33_request());
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 200);
  gateway_.stop();
  EXPECT_LE(occurrences(gateway_.log(), "listener.refusals"), 1u) << gateway_.log();
  EXPECT_EQ(occurrences(gateway_.log(), "tls.handshake_failed"), 0u) << gateway_.log();
}

TEST_F(ConnectionFloodTest, APartnerSendingItsHeadersByteByByteIsCutOffAtTheHeaderDeadline) {
  RawTlsConnection slow(gateway_.port(), partner_cert("politie-eenheid-voorbeeld"));
  ASSERT_TRUE(slow.connected());
  // One byte every 100 ms for 3 s: the 1.5 s header deadline passes on the way.
  const std::string head = "POST /v1/messages HTTP/1.1\r\nHost: localhost\r\nX-Slow: ";
  for (std::size_t i = 0; i < 30; ++i) {
    (void)slow.send(i < head.size() ? head.substr(i, 1) : std::string("a"));
    (void)slow.receive("", std::chrono::milliseconds(100));
  }
  auto others =
      tls_request(gateway_.port(), partner_cert("politie-eenheid-voorbeeld"), e33_request());
  ASSERT_TRUE(others.has_value());
  EXPECT_EQ(others->status, 200) << "the slow connection held up another";
  (void)slow.send("\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(first_status(slow.receive("\r\n\r\n", std::chrono::milliseconds(1000))), 0)
      << "a request finished after the header deadline was still answered";
}

}  // namespace
}  // namespace schakel::testing
