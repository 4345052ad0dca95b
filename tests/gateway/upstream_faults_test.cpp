// Recipients that misbehave cannot stop the gateway, make it deliver twice or
// hand a delivery to the wrong organisation: a partner sends through the real
// listener, the gateway in this process delivers over mutual TLS to a faulty
// recipient on loopback. Each fault gives the sender the right 5xx, a failed
// delivery record after the decision record, an intact chain, and a gateway
// that still answers /healthz.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <thread>
#include <utility>

#include "audit/verify.hpp"
#include "gateway/net.hpp"
#include "tests/support/client.hpp"
#include "tests/support/faulty_peers.hpp"
#include "tests/support/peers.hpp"
#include "tests/support/process.hpp"
#include "tests/support/test_gateway.hpp"

namespace schakel::testing {
namespace {

std::expected<HttpResult, std::string> send_as_police(const TestGateway& gateway,
                                                      const HttpRequest& request) {
  return tls_request(gateway.port(), partner_cert("politie-eenheid-voorbeeld"), request);
}

bool healthz_answers(const TestGateway& gateway) {
  return plain_get(gateway.admin_port(), "/healthz").value_or(HttpResult{}).status == 200;
}

// After stop(): the decision record of `id` and the delivery record after it.
void expect_failed_delivery_recorded(const TestGateway& gateway, const std::string& id) {
  const auto decisions = gateway.decision_records(id);
  ASSERT_EQ(decisions.size(), 1u) << id;
  EXPECT_EQ(decisions[0]["outcome"], "allowed");
  std::vector<nlohmann::json> deliveries;
  for (auto& record : gateway.records_of_kind("delivery")) {
    if (record["transaction_id"] == id) deliveries.push_back(std::move(record));
  }
  ASSERT_EQ(deliveries.size(), 1u) << "no delivery record for " << id;
  EXPECT_EQ(deliveries[0]["outcome"], "failed");
  EXPECT_EQ(deliveries[0]["decision_sequence"], decisions[0]["sequence"]);
  EXPECT_GT(deliveries[0]["sequence"].get<std::uint64_t>(),
            decisions[0]["sequence"].get<std::uint64_t>());
}

void expect_chain_intact(const TestGateway& gateway) {
  auto report = audit::verify_chain(gateway.trail_dir());
  ASSERT_TRUE(report.has_value()) << report.error();
  EXPECT_TRUE(report->intact()) << report->problem;
}

struct FaultCase {
  const char* name;
  Fault fault;
  int status;
  const char* problem;
};

void PrintTo(const FaultCase& fault_case, std::ostream* out) {
  *out << fault_case.name;
}

class UpstreamFaultTest : public ::testing::TestWithParam<FaultCase> {
 protected:
  SilentPeer silent_;
};

TEST_P(UpstreamFaultTest, SenderGetsTheRight5xxAndTheFailureIsAudited) {
  const FaultCase& fault_case = GetParam();
  FaultyRecipient recipient({fault_case.fault});
  TestGateway gateway({recipient.port(), silent_.port(), closed_port()},
                      [](gateway::Settings& settings) {
                        settings.timeouts.upstream_response = std::chrono::milliseconds(500);
                      });
  std::vector<std::string> ids(2);
  for (auto& id : ids) {  // twice: the first fault left nothing behind that breaks the next
    auto reply = send_as_police(gateway, e33_request(partners::kMentalHealth, "2", &id));
    ASSERT_TRUE(reply.has_value()) << reply.error();
    EXPECT_EQ(reply->status, fault_case.status) << reply->body;
    EXPECT_EQ(reply->header("Content-Type"), "application/problem+json");
    EXPECT_EQ(reply->json()["type"], std::string("urn:schakel:problem:") + fault_case.problem);
    EXPECT_EQ(reply->json()["transaction_id"], id);
  }
  EXPECT_TRUE(healthz_answers(gateway));
  gateway.stop();
  for (const auto& id : ids) expect_failed_delivery_recorded(gateway, id);
  expect_chain_intact(gateway);
}

INSTANTIATE_TEST_SUITE_P(
    UpstreamFaults, UpstreamFaultTest,
    ::testing::Values(
        FaultCase{"Reset", Fault::kReset, 502, "recipient-unreachable"},
        FaultCase{"StallMidResponse", Fault::kStallMidResponse, 504, "recipient-timeout"},
        FaultCase{"Garbage", Fault::kGarbage, 502, "recipient-unreachable"},
        FaultCase{"OversizedHeaders", Fault::kOversizedHeaders, 502, "recipient-unreachable"},
        FaultCase{"OversizedBody", Fault::kOversizedBody, 502, "recipient-unreachable"},
        FaultCase{"Endless", Fault::kEndless, 502, "recipient-unreachable"},
        FaultCase{"Trailer", Fault::kTrailer, 502, "recipient-unreachable"},
        FaultCase{"HugeTrailer", Fault::kHugeTrailer, 502, "recipient-unreachable"},
        FaultCase{"HugeChunkExtension", Fault::kHugeChunkExtension, 502, "recipient-unreachable"},
        FaultCase{"SwitchingProtocols", Fault::kSwitchingProtocols, 502, "recipient-unreachable"},
        FaultCase{"EndlessInterim", Fault::kEndlessInterim, 502, "recipient-unreachable"}),
    [](const ::testing::TestParamInfo<FaultCase>& param_info) {
      return std::string(param_info.param.name);
    });

class UpstreamFaultKeepAliveTest : public ::testing::Test {
 protected:
  SilentPeer silent_;
};

// The recipient closes every kept-alive connection after its reply: each
// message still arrives exactly once and every sender gets its receipt.
TEST_F(UpstreamFaultKeepAliveTest, RecipientClosingEachConnectionGetsEveryMessageOnce) {
  FaultyRecipient recipient({Fault::kCloseAfterReply});
  TestGateway gateway({recipient.port(), silent_.port(), closed_port()});
  constexpr int kMessages = 20;
  std::vector<std::string> ids(kMessages);
  for (auto& id : ids) {
    auto reply = send_as_police(gateway, e33_request(partners::kMentalHealth, "2", &id));
    ASSERT_TRUE(reply.has_value()) << reply.error();
    EXPECT_EQ(reply->status, 200) << reply->body;
  }
  for (const auto& id : ids) EXPECT_EQ(recipient.requests_with(id), 1u) << id;
  EXPECT_EQ(recipient.requests_read(), static_cast<std::size_t>(kMessages));
  EXPECT_TRUE(healthz_answers(gateway));
}

// Interim answers (100, 102) are not the recipient's answer: the final one is.
TEST_F(UpstreamFaultKeepAliveTest, InterimRepliesAreSkippedForTheFinalOne) {
  FaultyRecipient recipient({Fault::kInterimThenOk});
  TestGateway gateway({recipient.port(), silent_.port(), closed_port()});
  for (int i = 0; i < 3; ++i) {
    std::string id;
    auto reply = send_as_police(gateway, e33_request(partners::kMentalHealth, "2", &id));
    ASSERT_TRUE(reply.has_value()) << reply.error();
    EXPECT_EQ(reply->status, 200) << reply->body;
    EXPECT_EQ(recipient.requests_with(id), 1u);
  }
  EXPECT_EQ(recipient.connections_accepted(), 1u) << "the connection stays usable after 1xx";
}

// Checking a pooled connection before reuse does not discard good ones.
TEST_F(UpstreamFaultKeepAliveTest, AWellBehavedRecipientKeepsItsOneConnection) {
  FaultyRecipient recipient({Fault::kNone});
  TestGateway gateway({recipient.port(), silent_.port(), closed_port()});
  for (int i = 0; i < 5; ++i) {
    auto reply = send_as_police(gateway, e33_request(partners::kMentalHealth, "2"));
    ASSERT_TRUE(reply.has_value()) << reply.error();
    EXPECT_EQ(reply->status, 200) << reply->body;
  }
  EXPECT_EQ(recipient.requests_read(), 5u);
  EXPECT_EQ(recipient.connections_accepted(), 1u);
}

// The recipient reads a request on a reused connection and closes without
// answering: it may have acted on it, so the gateway must not send it again.
TEST_F(UpstreamFaultKeepAliveTest, RequestIsNeverReplayedAfterItMayHaveBeenSent) {
  FaultyRecipient recipient({Fault::kCloseOnSecondRequest});
  TestGateway gateway({recipient.port(), silent_.port(), closed_port()});
  std::string first;
  auto delivered = send_as_police(gateway, e33_request(partners::kMentalHealth, "2", &first));
  ASSERT_TRUE(delivered.has_value()) << delivered.error();
  ASSERT_EQ(delivered->status, 200) << delivered->body;
  std::string second;
  auto lost = send_as_police(gateway, e33_request(partners::kMentalHealth, "2", &second));
  ASSERT_TRUE(lost.has_value()) << lost.error();
  EXPECT_EQ(recipient.requests_with(second), 1u) << "the POST was replayed";
  EXPECT_EQ(lost->status, 502) << lost->body;
  EXPECT_EQ(lost->json()["type"], "urn:schakel:problem:recipient-unreachable");
  EXPECT_TRUE(healthz_answers(gateway));
  gateway.stop();
  expect_failed_delivery_recorded(gateway, second);
  expect_chain_intact(gateway);
}

// The test region with `endpoint_oin` set for some partners (id -> OIN; an
// empty OIN removes the member, so the partner's own OIN applies).
std::filesystem::path write_region_with_endpoint_oins(
    const std::filesystem::path& dir, PeerPorts peers,
    const std::map<std::string, std::string>& endpoint_oins) {
  const auto path = write_test_region(dir, peers);
  auto region = nlohmann::json::parse(read_file(path));
  for (auto& partner : region["partners"]) {
    const auto named = endpoint_oins.find(partner["id"].get<std::string>());
    if (named == endpoint_oins.end()) continue;
    if (named->second.empty()) {
      partner.erase("endpoint_oin");
    } else {
      partner["endpoint_oin"] = named->second;
    }
  }
  write_file(path, region.dump(2));
  return path;
}

constexpr const char* kGgz = "ggz-voorbeeld";
constexpr const char* kGemeente = "gemeente-voorbeeldstad";

struct IdentityCase {
  const char* name;
  const char* certificate;   // what the recipient's endpoint presents
  const char* endpoint_oin;  // what the region names for GGZ (the recipient)
  bool delivered;
};

void PrintTo(const IdentityCase& identity_case, std::ostream* out) {
  *out << identity_case.name;
}

class UpstreamFaultIdentityTest : public ::testing::TestWithParam<IdentityCase> {
 protected:
  TempDir dir_;
  SilentPeer silent_;
};

// The endpoint must prove it is the organisation the region names for it:
// exactly one Subject serialNumber, equal to the named OIN; else nothing is sent.
TEST_P(UpstreamFaultIdentityTest, RecipientCertificateMustCarryTheNamedOin) {
  const IdentityCase& identity_case = GetParam();
  FaultyRecipient recipient({Fault::kNone}, identity_case.certificate);
  const PeerPorts peers{recipient.port(), silent_.port(), closed_port()};
  const auto region =
      write_region_with_endpoint_oins(dir_.path(), peers, {{kGgz, identity_case.endpoint_oin}});
  TestGateway gateway(peers, [&](gateway::Settings& settings) { settings.region = region; });
  std::string id;
  auto reply = send_as_police(gateway, e33_request(partners::kMentalHealth, "2", &id));
  ASSERT_TRUE(reply.has_value()) << reply.error();
  if (identity_case.delivered) {
    EXPECT_EQ(reply->status, 200) << reply->body;
    EXPECT_EQ(recipient.requests_with(id), 1u);
    return;
  }
  EXPECT_EQ(reply->status, 502) << reply->body;
  EXPECT_EQ(reply->json()["type"], "urn:schakel:problem:recipient-unreachable");
  EXPECT_EQ(recipient.requests_read(), 0u) << "sent to an endpoint that is not the recipient";
  EXPECT_TRUE(healthz_answers(gateway));
  gateway.stop();
  expect_failed_delivery_recorded(gateway, id);
  expect_chain_intact(gateway);
}

INSTANTIATE_TEST_SUITE_P(
    UpstreamFaults, UpstreamFaultIdentityTest,
    ::testing::Values(
        IdentityCase{"RecipientsOwnOin", "receiver-ggz-voorbeeld", partners::kMentalHealth, true},
        IdentityCase{"NamedServiceProvidersOin", "receiver-gemeente-voorbeeldstad",
                     partners::kMunicipality, true},
        IdentityCase{"ByDefaultThePartnersOwnOin", "receiver-ggz-voorbeeld", "", true},
        IdentityCase{"ByDefaultNoOtherOin", "receiver", "", false},
        IdentityCase{"AnotherPartnersOin", "receiver-gemeente-voorbeeldstad",
                     partners::kMentalHealth, false},
        IdentityCase{"TwoOins", "receiver-double-serial", partners::kMunicipality, false}),
    [](const ::testing::TestParamInfo<IdentityCase>& param_info) {
      return std::string(param_info.param.name);
    });

// A connection pooled after its certificate was checked for one endpoint OIN
// is not reused for a recipient on the same host and port that expects
// another: that one gets its own connection, checked for its own OIN.
TEST(UpstreamFaultIdentity, ConnectionsAreNotSharedAcrossEndpointIdentities) {
  TempDir dir;
  SilentPeer silent;
  FaultyRecipient recipient({Fault::kNone}, "receiver-ggz-voorbeeld");
  const PeerPorts peers{recipient.port(), silent.port(), closed_port()};
  const auto region = write_region_with_endpoint_oins(
      dir.path(), peers, {{kGemeente, partners::kMentalHealth}, {kGgz, partners::kMunicipality}});
  TestGateway gateway(peers, [&](gateway::Settings& settings) { settings.region = region; });
  auto unchecked = send_as_police(gateway, e33_request(partners::kMunicipality, "1"));
  ASSERT_TRUE(unchecked.has_value()) << unchecked.error();
  ASSERT_EQ(unchecked->status, 200) << unchecked->body;
  std::string id;
  auto checked = send_as_police(gateway, e33_request(partners::kMentalHealth, "2", &id));
  ASSERT_TRUE(checked.has_value()) << checked.error();
  EXPECT_EQ(checked->status, 502) << checked->body;
  EXPECT_EQ(recipient.requests_with(id), 0u);
}

// Partners' traffic for the soak: kept-alive TLS connections as the police,
// each sending messages one after another until `total` went out.
class KeepAliveSender {
 public:
  explicit KeepAliveSender(std::uint16_t port) : port_(port) {
    tls_.load_verify_file((test_pki() / "ca.pem").string());
    tls_.set_verify_mode(net::asio::ssl::verify_peer);
    const auto cert = partner_cert("politie-eenheid-voorbeeld");
    tls_.use_certificate_chain_file(cert.cert.string());
    tls_.use_private_key_file(cert.key.string(), net::asio::ssl::context::pem);
    const auto request = e33_request(partners::kMentalHealth, "2");
    message_ = {net::http::verb::post, request.target, 11};
    message_.set(net::http::field::host, "localhost");
    for (const auto& [name, value] : request.headers) {
      if (name != "Fsc-Transaction-Id") message_.set(name, value);  // the gateway makes one
    }
    message_.body() = request.body;
    message_.keep_alive(true);
    message_.prepare_payload();
  }

  // Statuses of the replies; 0 counts requests that got none.
  std::map<int, int> send(int total, int connections) {
    net::asio::io_context io;
    int remaining = total;
    std::map<int, int> statuses;
    for (int i = 0; i < connections; ++i) {
      net::asio::co_spawn(io, run(remaining, statuses), net::asio::detached);
    }
    io.run();
    return statuses;
  }

 private:
  using Stream = net::beast::ssl_stream<net::beast::tcp_stream>;

  net::asio::awaitable<bool> open(Stream& stream) {
    using namespace net;  // NOLINT(google-build-using-namespace)
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(15));
    const tcp::endpoint gateway(asio::ip::make_address("127.0.0.1"), port_);
    auto [connect_error] =
        co_await beast::get_lowest_layer(stream).socket().async_connect(gateway, kTuple);
    if (connect_error) co_return false;
    auto [handshake_error] =
        co_await stream.async_handshake(asio::ssl::stream_base::client, kTuple);
    co_return !handshake_error;
  }

  struct Replied {
    int status = 0;  // 0: no reply
    bool keep_alive = false;
  };

  // One request on `stream`.
  net::asio::awaitable<Replied> exchange(Stream& stream, net::beast::flat_buffer& buffer) {
    using namespace net;  // NOLINT(google-build-using-namespace)
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(15));
    auto [write_error, written] = co_await http::async_write(stream, message_, kTuple);
    if (write_error) co_return Replied{};
    http::response_parser<http::string_body> parser;
    auto [read_error, read] = co_await http::async_read(stream, buffer, parser, kTuple);
    if (read_error) co_return Replied{};
    co_return Replied{static_cast<int>(parser.get().result_int()), parser.get().keep_alive()};
  }

  net::asio::awaitable<void> run(int& remaining, std::map<int, int>& statuses) {
    const auto executor = co_await net::asio::this_coro::executor;
    std::unique_ptr<Stream> stream;
    net::beast::flat_buffer buffer;
    while (remaining > 0) {
      --remaining;
      if (!stream) {
        stream = std::make_unique<Stream>(executor, tls_);
        buffer.clear();
        if (!co_await open(*stream)) {
          ++statuses[0];
          stream.reset();
          continue;
        }
      }
      const Replied replied = co_await exchange(*stream, buffer);
      ++statuses[replied.status];
      if (!replied.keep_alive) stream.reset();
    }
  }

  std::uint16_t port_;
  net::asio::ssl::context tls_{net::asio::ssl::context::tls_client};
  net::http::request<net::http::string_body> message_;
};

// Sanitiser builds keep freed memory in quarantine and run many times slower:
// there the soak is shorter and its memory bound is not checked.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

std::size_t open_fds() {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    ++count;
  }
  return count;
}

// Waits (bounded) until at most `bound` descriptors are open, or until the
// count stops changing when there is no bound; returns the count.
std::size_t settled_fds(std::optional<std::size_t> bound = std::nullopt) {
  std::size_t count = open_fds();
  for (int i = 0; i < 100; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const std::size_t previous = std::exchange(count, open_fds());
    if (bound ? count <= *bound : count == previous) break;
  }
  return count;
}

// 10,000 faulty exchanges through the real listener and upstream: every one
// answered (200, 502 or 504) and audited, and afterwards the gateway's
// descriptors are back near their baseline and its memory has not grown with
// the number of exchanges.
TEST(UpstreamFaultSoak, TenThousandFaultyExchangesLeakNeitherConnectionsNorMemory) {
  constexpr int kWarmUp = 500;
  constexpr int kTotal = kSanitized ? 2'000 : 10'000;
  constexpr int kConnections = 16;
  constexpr std::size_t kMaxIdle = 8;
  // Every fault, and now and then a good reply so that pooled connections meet faults too.
  const std::vector<Fault> mix{Fault::kReset,
                               Fault::kGarbage,
                               Fault::kOversizedHeaders,
                               Fault::kOversizedBody,
                               Fault::kEndless,
                               Fault::kTrailer,
                               Fault::kHugeTrailer,
                               Fault::kNone,
                               Fault::kHugeChunkExtension,
                               Fault::kCloseAfterReply,
                               Fault::kCloseOnSecondRequest,
                               Fault::kNone};
  std::vector<Fault> faults;
  for (int i = 0; i < 4; ++i) faults.insert(faults.end(), mix.begin(), mix.end());
  faults.push_back(Fault::kStallMidResponse);  // one in 49: each holds a sender until the timeout
  FaultyRecipient recipient(faults);
  SilentPeer silent;
  TestGateway gateway({recipient.port(), silent.port(), closed_port()},
                      [](gateway::Settings& settings) {
                        settings.timeouts.upstream_response = std::chrono::milliseconds(200);
                        settings.limits.max_idle_upstream_per_endpoint = kMaxIdle;
                        settings.limits.pseudonym_ops_per_minute = 100'000'000;
                        settings.limits.pseudonym_burst = 1'000'000;
                      });
  KeepAliveSender sender(gateway.port());

  auto statuses = sender.send(kWarmUp, kConnections);
  const std::size_t fd_baseline = settled_fds();
  const std::size_t rss_baseline = resident_kib();
  auto rest = sender.send(kTotal - kWarmUp, kConnections);
  for (const auto& [status, count] : rest) statuses[status] += count;

  int answered = 0;
  for (const auto& [status, count] : statuses) {
    EXPECT_TRUE(status == 200 || status == 502 || status == 504) << count << " x " << status;
    answered += count;
  }
  EXPECT_EQ(answered, kTotal);
  EXPECT_GT(statuses[502], kTotal / 2) << "the faults did not happen";
  const std::size_t slack = kMaxIdle + kConnections;
  EXPECT_LE(settled_fds(fd_baseline + slack), fd_baseline + slack) << "baseline " << fd_baseline;
  const std::size_t rss_after = resident_kib();
  const std::size_t grown_kib = rss_after > rss_baseline ? rss_after - rss_baseline : 0;
  // One leaked connection or reply buffer per exchange would be hundreds of MiB.
  if (!kSanitized) {
    EXPECT_LT(grown_kib, 64u * 1024) << "RSS grew from " << rss_baseline << " KiB";
  }
  EXPECT_TRUE(healthz_answers(gateway));

  gateway.stop();
  EXPECT_EQ(gateway.records_of_kind("delivery").size(), static_cast<std::size_t>(kTotal));
  expect_chain_intact(gateway);
}

}  // namespace
}  // namespace schakel::testing
