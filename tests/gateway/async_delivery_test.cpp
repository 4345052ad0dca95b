// Store and forward (issue 15) through the real listener: a sender that
// prefers respond-async gets 202 once its message is decided, audited and
// queued sealed; the Courier delivers it to the recording upstream with the
// same Fsc-Transaction-Id, retrying a recipient that refuses until it takes
// it; the sender and the recipient read its status, nobody else; the queue
// holds no personal value in clear.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace schakel::testing
