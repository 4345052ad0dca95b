// The gateway fails closed: no durable audit record, no forwarding; and it
// keeps personal data out of its logs and audit trail; and it drains on stop.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "audit/verify.hpp"
#include "gateway/envelope.hpp"
#include "tests/support/client.hpp"
#include "tests/support/peers.hpp"
#include "tests/support/test_gateway.hpp"
#include "tests/support/trail_editor.hpp"
#include "tests/support/trail_lock.hpp"

namespace schakel::testing {
namespace {

constexpr const char* kBsn = "999990019";

std::expected<HttpResult, std::string> send_as_police(const TestGateway& gateway,
                                                      const HttpRequest& request) {
  return tls_request(gateway.port(), partner_cert("politie-eenheid-voorbeeld"), request);
}

// Polls the admin listener until /readyz answers `status` or ten seconds pass.
int wait_for_readiness(const TestGateway& gateway, int status) {
  int last = 0;
  for (int i = 0; i < 200 && last != status; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    last = plain_get(gateway.admin_port(), "/readyz").value_or(HttpResult{}).status;
  }
  return last;
}

class FailClosedTest : public ::testing::Test {
 protected:
  TlsUpstream upstream_;
  SilentPeer silent_;
};

TEST_F(FailClosedTest, UnwritableAuditStoreRefusesInsteadOfForwardingAndRecovers) {
  TestGateway gateway({upstream_.port(), silent_.port(), closed_port()});
  ASSERT_EQ(send_as_police(gateway, e33_request(partners::kMentalHealth, "3"))
                .value_or(HttpResult{})
                .status,
            200);

  HeldTrailLock lock(gateway.trail_dir());  // another process that does not let go
  ASSERT_TRUE(lock.held());
  std::string id;
  auto refused = send_as_police(gateway, e33_request(partners::kMentalHealth, "3", &id));
  ASSERT_TRUE(refused.has_value()) << refused.error();
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(refused->json()["type"], "urn:schakel:problem:audit-unavailable");
  EXPECT_TRUE(upstream_.received_with(id).empty()) << "forwarded without an audit record";
  EXPECT_EQ(wait_for_readiness(gateway, 503), 503);

  lock.release();
  EXPECT_EQ(wait_for_readiness(gateway, 200), 200) << "did not recover by itself";
  std::string after;
  EXPECT_EQ(send_as_police(gateway, e33_request(partners::kMentalHealth, "3", &after))
                .value_or(HttpResult{})
                .status,
            200);
  EXPECT_EQ(upstream_.received_with(after).size(), 1u);
  EXPECT_TRUE(gateway.decision_records(id).empty()) << "the failed batch left a record";

  gateway.stop();
  auto report = audit::verify_chain(gateway.trail_dir());
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->intact()) << report->problem;
}

TEST_F(FailClosedTest, NoBsnInLogsOrAuditTrailBytes) {
  TestGateway gateway({upstream_.port(), silent_.port(), closed_port()});
  ASSERT_EQ(send_as_police(gateway, e33_request(partners::kMentalHealth, "3"))
                .value_or(HttpResult{})
                .status,
            200);
  auto refused = e33_request(partners::kVeiligThuis, "3");
  ASSERT_EQ(send_as_police(gateway, refused).value_or(HttpResult{}).status, 403);
  auto bad = e33_request(partners::kMentalHealth, "3");
  bad.body = R"({"subject":{"bsn":"999990018"},"data":{}})";
  ASSERT_EQ(send_as_police(gateway, bad).value_or(HttpResult{}).status, 422);
  gateway.stop();

  EXPECT_FALSE(gateway.log().empty());
  EXPECT_EQ(gateway.log().find(kBsn), std::string::npos) << gateway.log();
  EXPECT_EQ(gateway.log().find("999990018"), std::string::npos);
  for (const auto& entry : std::filesystem::directory_iterator(gateway.settings().data_dir)) {
    const auto bytes = read_file(entry.path());
    EXPECT_EQ(bytes.find(kBsn), std::string::npos) << entry.path();
    EXPECT_EQ(bytes.find("1987-03-14"), std::string::npos) << "a field value in " << entry.path();
  }
}

TEST_F(FailClosedTest, ShutdownLetsRequestsInFlightFinish) {
  TestGateway gateway({upstream_.port(), silent_.port(), closed_port()}, [](gateway::Settings& s) {
    s.timeouts.upstream_response = std::chrono::milliseconds(1500);
  });
  // A message to the silent recipient stays in flight until its timeout.
  HttpRequest request{"POST",
                      "/v1/messages",
                      {{"Content-Type", "application/json"},
                       {"Schakel-Recipient", partners::kProbation},
                       {"Schakel-Purpose", "aftercare-after-detention"}},
                      R"({"subject":{"bsn":"999990019"},"data":{"housing_status":"homeless"}})"};
  auto in_flight = std::async(std::launch::async, [&] {
    return tls_request(gateway.port(), partner_cert("pi-voorbeeld"), request);
  });
  bool seen_in_flight = false;
  for (int i = 0; i < 200 && !seen_in_flight; ++i) {
    auto metrics = plain_get(gateway.admin_port(), "/metrics");
    seen_in_flight =
        metrics && metrics->body.find("schakel_requests_active 1") != std::string::npos;
    if (!seen_in_flight) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(seen_in_flight);
  gateway.stop();
  auto reply = in_flight.get();
  ASSERT_TRUE(reply.has_value()) << "the request in flight was cut off: " << reply.error();
  EXPECT_EQ(reply->status, 504);
  EXPECT_NE(gateway.log().find("gateway.stopped abandoned=0"), std::string::npos) << gateway.log();
}

// The witness knows how far the trail reached and what it held: a trail cut
// back behind it (or deleted), or replaced by another, would hand out its
// sequence numbers again, so start-up stops.
class WitnessedRestartTest : public ::testing::Test {
 protected:
  // A first run whose stop leaves a checkpoint of records 1 and 2 witnessed.
  void SetUp() override {
    TestGateway first(peers(), adjust());
    ASSERT_EQ(send_as_police(first, e33_request()).value_or(HttpResult{}).status, 200);
  }
  PeerPorts peers() const { return {upstream_.port(), silent_.port(), closed_port()}; }
  std::function<void(gateway::Settings&)> adjust(bool witness = true) const {
    return [this, witness](gateway::Settings& settings) {
      settings.data_dir = state_.path() / "data";
      settings.keys_dir = state_.path() / "keys";
      if (witness) settings.audit.witness = state_.path() / "witness.jsonl";
    };
  }
  // The error that stops the next start with the witness.
  std::string refusal_of_a_restart() const {
    try {
      TestGateway again(peers(), adjust());
    } catch (const std::runtime_error& error) {
      return error.what();
    }
    return "started";
  }
  std::filesystem::path trail() const { return state_.path() / "data" / "trail"; }

  TempDir state_;
  TlsUpstream upstream_;
  SilentPeer silent_;
};

TEST_F(WitnessedRestartTest, ATrailCutBackBehindItsWitnessStopsStartUp) {
  edit_frames(trail(), [](std::vector<EditableFrame>& frames) {
    std::erase_if(frames, [](const EditableFrame& f) {
      return f.type == audit::FrameType::kCheckpoint || f.sequence >= 2;
    });
  });
  const auto message = refusal_of_a_restart();
  EXPECT_NE(message.find("ends at sequence 1, but the witness"), std::string::npos) << message;
  EXPECT_NE(message.find("holds a signed checkpoint at 2"), std::string::npos) << message;
}

TEST_F(WitnessedRestartTest, ATrailReplacedByALongerOneStopsStartUp) {
  std::filesystem::rename(trail(), state_.path() / "old-trail");
  {
    TestGateway other(peers(), adjust(false));  // a start without the witness...
    for (int i = 0; i < 2; ++i) {               // ...writes another trail, longer than 2
      ASSERT_EQ(send_as_police(other, e33_request()).value_or(HttpResult{}).status, 200);
    }
  }
  const auto message = refusal_of_a_restart();
  EXPECT_NE(message.find("record 2 differs from the one the witness"), std::string::npos)
      << message;
}

TEST(FailClosed, ACorruptTrailStopsStartUpNamingTheFile) {
  TempDir data;
  std::filesystem::create_directories(data.path() / "trail");
  write_file(data.path() / "trail" / "trail-00000000000000000001.log", std::string(4096, 'x'));
  TlsUpstream upstream;
  SilentPeer silent;
  try {
    TestGateway gateway({upstream.port(), silent.port(), closed_port()},
                        [&](auto& settings) { settings.data_dir = data.path(); });
    FAIL() << "started on a corrupt trail (a torn write can only lose the end)";
  } catch (const std::runtime_error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("trail-00000000000000000001.log"), std::string::npos) << message;
    EXPECT_NE(message.find("damaged after byte 0"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace schakel::testing
