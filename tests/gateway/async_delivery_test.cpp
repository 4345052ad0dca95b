// Store and forward (issue 15) through the real listener: a sender that
// prefers respond-async gets 202 once its message is decided, audited and
// queued sealed; the Courier delivers it to the recording upstream with the
// same Fsc-Transaction-Id, retrying a recipient that refuses until it takes
// it; the sender and the recipient read its status, nobody else; the queue
// holds no personal value in clear.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "gateway/envelope.hpp"
#include "tests/support/client.hpp"
#include "tests/support/peers.hpp"
#include "tests/support/test_gateway.hpp"

namespace schakel::testing {
namespace {

using nlohmann::json;

class AsyncDeliveryTest : public ::testing::Test {
 protected:
  HttpResult send_async(std::string* id) {
    auto request = e33_request(partners::kMentalHealth, "2", id);
    request.headers.emplace_back("Prefer", "wait=5, respond-async");
    auto reply = tls_request(gateway_.port(), partner_cert("politie-eenheid-voorbeeld"), request);
    EXPECT_TRUE(reply.has_value()) << reply.error();
    return reply.value_or(HttpResult{});
  }
  HttpResult status(const char* partner_id, const std::string& id) {
    HttpRequest request{"GET", "/v1/messages/" + id, {}, ""};
    auto reply = tls_request(gateway_.port(), partner_cert(partner_id), request);
    EXPECT_TRUE(reply.has_value()) << reply.error();
    return reply.value_or(HttpResult{});
  }
  // The status once it is `wanted` (polls up to 20 s: a retry waits 2 s, then 4 s).
  json status_when(const std::string& id, const std::string& wanted) {
    json last;
    for (int i = 0; i < 400; ++i) {
      last = status("politie-eenheid-voorbeeld", id).json();
      if (last.value("status", "") == wanted) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return last;
  }

  TlsUpstream upstream_;
  SilentPeer silent_;
  TestGateway gateway_{PeerPorts{upstream_.port(), silent_.port(), closed_port()}};
};

TEST_F(AsyncDeliveryTest, AQueuedMessageIsDeliveredOnceUnderItsTransactionId) {
  std::string id;
  auto queued = send_async(&id);
  ASSERT_EQ(queued.status, 202) << queued.body;
  EXPECT_EQ(queued.header("Preference-Applied"), "respond-async");
  EXPECT_EQ(queued.header("Location"), "/v1/messages/" + id);
  EXPECT_EQ(queued.json()["status"], "queued");
  const auto delivered = status_when(id, "delivered");
  ASSERT_EQ(delivered["status"], "delivered") << delivered.dump();
  EXPECT_EQ(delivered["attempts"], 1);
  const auto received = upstream_.received_with(id);
  ASSERT_EQ(received.size(), 1u) << "delivered exactly once";
  EXPECT_EQ(received[0].header("Fsc-Transaction-Id"), id);
  EXPECT_EQ(received[0].body.find("999990019"), std::string::npos) << "minimised as ever";

  EXPECT_EQ(status("ggz-voorbeeld", id).status, 200) << "the recipient reads it too";
  auto stranger = status("gemeente-voorbeeldstad", id);
  EXPECT_EQ(stranger.status, 404);
  EXPECT_EQ(stranger.json()["detail"],
            status("gemeente-voorbeeldstad", gateway::new_transaction_id()).json()["detail"])
      << "a stranger learns nothing";
  std::vector<std::string> outcomes;
  for (const auto& record : gateway_.records_of_kind("delivery")) {
    if (record["transaction_id"] == id) outcomes.push_back(record["outcome"]);
  }
  EXPECT_EQ(outcomes, (std::vector<std::string>{"queued", "delivered"}));
  EXPECT_EQ(gateway_.everything_written().find("999990019"), std::string::npos);
}

TEST_F(AsyncDeliveryTest, ARecipientThatRefusesIsRetriedUntilItTakesTheMessage) {
  upstream_.set_status(503);
  std::string id;
  ASSERT_EQ(send_async(&id).status, 202);
  for (int i = 0; i < 200 && upstream_.received_with(id).empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(upstream_.received_with(id).empty()) << "the first attempt";
  EXPECT_EQ(status("politie-eenheid-voorbeeld", id).json()["status"], "queued");
  upstream_.set_status(200);
  const auto delivered = status_when(id, "delivered");
  ASSERT_EQ(delivered["status"], "delivered") << delivered.dump();
  const auto received = upstream_.received_with(id);
  ASSERT_GE(received.size(), 2u);
  for (const auto& attempt : received) EXPECT_EQ(attempt.header("Fsc-Transaction-Id"), id);
  std::size_t failed = 0;
  for (const auto& record : gateway_.records_of_kind("delivery")) {
    failed += record["transaction_id"] == id && record["outcome"] == "failed" ? 1 : 0;
  }
  EXPECT_EQ(failed, received.size() - 1) << "every attempt has its record";
}

TEST_F(AsyncDeliveryTest, WithoutThePreferenceAMessageIsForwardedAtOnceAsBefore) {
  std::string id;
  auto reply = tls_request(gateway_.port(), partner_cert("politie-eenheid-voorbeeld"),
                           e33_request(partners::kMentalHealth, "2", &id));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 200) << reply->body;
  EXPECT_EQ(upstream_.received_with(id).size(), 1u);
  EXPECT_EQ(status("politie-eenheid-voorbeeld", id).status, 404) << "nothing was queued";
}

// A handover (aftercare after detention: the prison to the municipality) is
// complete only when the recipient answers; one not answered within the
// purpose's accept_within_hours is escalated to the ZVH. The gateway keeps
// time by an injected clock.
class HandoverTest : public ::testing::Test {
 protected:
  HttpResult post(const char* partner_id, const std::string& target, const std::string& body) {
    HttpRequest request{"POST", target, {}, body};
    if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
    auto reply = tls_request(gateway_.port(), partner_cert(partner_id), request);
    EXPECT_TRUE(reply.has_value()) << reply.error();
    return reply.value_or(HttpResult{});
  }
  std::string hand_over() {
    const std::string id = gateway::new_transaction_id();
    HttpRequest request{"POST",
                        "/v1/messages",
                        {{"Content-Type", "application/json"},
                         {"Schakel-Recipient", partners::kMunicipality},
                         {"Schakel-Purpose", "aftercare-after-detention"},
                         {"Fsc-Transaction-Id", id},
                         {"Prefer", "respond-async"}},
                        R"({"subject":{"bsn":"999990019"},"data":{"housing_status":"homeless"}})"};
    auto reply = tls_request(gateway_.port(), partner_cert("pi-voorbeeld"), request);
    EXPECT_TRUE(reply.has_value() && reply->status == 202) << (reply ? reply->body : "");
    EXPECT_TRUE(reply && reply->json()["handover"] == true);
    for (int i = 0; i < 200 && upstream_.received_with(id).empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(upstream_.received_with(id).size(), 1u) << "delivered";
    return id;
  }
  // Notifications to `target` of kind `kind` (polls up to 10 s for `count`).
  std::vector<json> told(const std::string& target, const std::string& kind, std::size_t count) {
    std::vector<json> out;
    for (int i = 0; i < 200; ++i) {
      out.clear();
      for (auto& received : upstream_.received()) {
        if (received.target == target && received.header("Schakel-Notification") == kind) {
          out.push_back(json::parse(received.body));
        }
      }
      if (out.size() >= count) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return out;
  }

  std::atomic<std::int64_t> now_{1'800'000'000};
  TlsUpstream upstream_;
  SilentPeer silent_;
  TestGateway gateway_{
      PeerPorts{upstream_.port(), silent_.port(), closed_port()},
      [this](gateway::Settings& settings) { settings.clock = [this] { return now_.load(); }; }};
};

TEST_F(HandoverTest, OnlyTheRecipientAnswersOnceAndTheSenderHearsOfIt) {
  const std::string id = hand_over();
  const std::string decline = "/v1/handovers/" + id + "/decline";
  EXPECT_EQ(post("reclassering-voorbeeld", "/v1/handovers/" + id + "/accept", "").status, 404)
      << "another partner cannot answer";
  EXPECT_EQ(post("gemeente-voorbeeldstad", decline, "").status, 400) << "a decline has a reason";
  auto declined = post("gemeente-voorbeeldstad", decline,
                       R"({"reason":"Geen plek; bel Jan Jansen op 06-12345678"})");
  ASSERT_EQ(declined.status, 200) << declined.body;
  EXPECT_EQ(post("gemeente-voorbeeldstad", "/v1/handovers/" + id + "/accept", "").status, 409)
      << "answered once";
  const auto receipts = told("/pi-voorbeeld", "handover", 1);
  ASSERT_EQ(receipts.size(), 1u);
  EXPECT_EQ(receipts[0]["transaction_id"], id);
  EXPECT_EQ(receipts[0]["event"], "declined");
  const std::string reason = receipts[0]["reason"];
  EXPECT_EQ(reason.find("06-12345678"), std::string::npos) << "redacted: " << reason;
  HttpRequest read{"GET", "/v1/messages/" + id, {}, ""};
  auto status = tls_request(gateway_.port(), partner_cert("pi-voorbeeld"), read);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->json()["status"], "declined");
  std::vector<std::string> outcomes;
  for (const auto& record : gateway_.records_of_kind("handover"))
    outcomes.push_back(record["outcome"]);
  EXPECT_NE(std::ranges::find(outcomes, "declined"), outcomes.end());
  EXPECT_EQ(gateway_.everything_written().find("999990019"), std::string::npos);
}

TEST_F(HandoverTest, AHandoverNotAnsweredInTimeIsEscalatedToTheZvhOnce) {
  const std::string id = hand_over();
  now_ += 47 * 3600;
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_TRUE(told("/zvh-voorbeeld", "escalation", 0).empty()) << "not before accept_within";
  now_ += 2 * 3600;  // 49 h after delivery: past the purpose's 48
  const auto escalated = told("/zvh-voorbeeld", "escalation", 1);
  ASSERT_EQ(escalated.size(), 1u);
  EXPECT_EQ(escalated[0]["transaction_id"], id);
  EXPECT_FALSE(escalated[0].contains("data")) << "never the content";
  EXPECT_EQ(told("/pi-voorbeeld", "handover", 1).at(0)["event"], "escalated");
  now_ += 3600;
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(told("/zvh-voorbeeld", "escalation", 1).size(), 1u) << "escalated once";
  // The region sees it open, and its age, in /metrics.
  const std::string open_line =
      std::string("schakel_handovers_open{recipient=\"") + partners::kMunicipality + "\"} 1";
  std::string metrics;
  for (int i = 0; i < 100 && metrics.find(open_line) == std::string::npos; ++i) {
    metrics = plain_get(gateway_.admin_port(), "/metrics").value_or(HttpResult{}).body;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(metrics.find(open_line), std::string::npos) << metrics;
  EXPECT_NE(metrics.find(std::string("schakel_handovers_oldest_seconds{recipient=\"") +
                         partners::kMunicipality + "\"} " + std::to_string(50 * 3600)),
            std::string::npos)
      << metrics;
  auto accepted = post("gemeente-voorbeeldstad", "/v1/handovers/" + id + "/accept", "");
  EXPECT_EQ(accepted.status, 200) << "an escalated handover may still be accepted";
  std::size_t escalations = 0;
  for (const auto& record : gateway_.records_of_kind("handover")) {
    escalations += record["outcome"] == "escalated" ? 1 : 0;
  }
  EXPECT_EQ(escalations, 1u);
}

}  // namespace
}  // namespace schakel::testing
