// Hot reload under load: partners keep sending while the region's policy is
// swapped back and forth through POST /admin/reload, and a broken policy is
// refused. Every message is decided, minimised and delivered under exactly
// one policy — the one its receipt, its audit record and the recipient's
// Schakel-Policy header all name — and a refused reload changes nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "audit/verify.hpp"
#include "crypto/key_store.hpp"
#include "tests/support/client.hpp"
#include "tests/support/peers.hpp"
#include "tests/support/test_gateway.hpp"

namespace schakel::testing {
namespace {

class ReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gateway_.emplace(PeerPorts{upstream_.port(), silent_.port(), closed_port()});
    region_path_ = gateway_->settings().region;
    wide_region_ = read_file(region_path_);
    auto narrowed = nlohmann::json::parse(wide_region_);
    // Narrowing: level 2 of the E33 signal no longer passes the free text.
    narrowed["purposes"]["e33-confused-behaviour"]["levels"]["2"]["fields"]["incident_summary"] =
        "drop";
    narrow_region_ = narrowed.dump(2);
  }

  nlohmann::json reload_with(const std::string& region_text, int expected_status) {
    write_file(region_path_, region_text);
    auto reply =
        plain_request(gateway_->admin_port(), {"POST", "/admin/reload", {authorized()}, ""});
    if (!reply) {  // ASSERT_* cannot return a value: fail, and give the caller nothing to read
      ADD_FAILURE() << "the reload call failed: " << reply.error();
      return nlohmann::json::object();
    }
    EXPECT_EQ(reply->status, expected_status) << reply->body;
    return reply->json();
  }

  std::pair<std::string, std::string> authorized() const {
    const auto token = read_file(gateway_->settings().data_dir / "admin-token");
    return {"Authorization", "Bearer " + token.substr(0, token.find('\n'))};
  }

  HttpResult send_e33() {
    auto reply =
        tls_request(gateway_->port(), partner_cert("politie-eenheid-voorbeeld"), e33_request());
    return reply.value_or(HttpResult{});
  }

  TlsUpstream upstream_;
  SilentPeer silent_;
  std::optional<TestGateway> gateway_;
  std::filesystem::path region_path_;
  std::string wide_region_, narrow_region_;
};

TEST_F(ReloadTest, EveryMessageSeesOneWholePolicyWhileReloadsRunUnderLoad) {
  const std::string wide_hash = gateway_->policy_hash();
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::vector<HttpResult> replies;
  std::vector<std::thread> senders;
  for (int i = 0; i < 3; ++i) {
    senders.emplace_back([&] {
      while (!stop) {
        auto reply = send_e33();
        std::lock_guard lock(mutex);
        replies.push_back(std::move(reply));
      }
    });
  }
  std::string narrow_hash;
  // Between reloads the test thread sends too, so each policy surely serves some messages.
  auto send_own = [&] {
    auto reply = send_e33();
    std::lock_guard lock(mutex);
    replies.push_back(std::move(reply));
  };
  for (int round = 0; round < 6; ++round) {
    narrow_hash = reload_with(narrow_region_, 200)["policy"].get<std::string>();
    send_own();
    EXPECT_EQ(reload_with(wide_region_, 200)["policy"], wide_hash);
    send_own();
  }
  stop = true;
  for (auto& sender : senders) sender.join();
  gateway_->stop();  // every audit record written
  ASSERT_NE(narrow_hash, wide_hash);

  std::map<std::string, int> by_policy;
  for (const auto& reply : replies) {
    ASSERT_EQ(reply.status, 200) << reply.body;
    ++by_policy[reply.json()["policy"].get<std::string>()];
  }
  EXPECT_GT(by_policy[wide_hash], 0);
  EXPECT_GT(by_policy[narrow_hash], 0) << "no message ran under the narrowed policy";
  EXPECT_EQ(by_policy.size(), 2u);
  for (const auto& delivery : upstream_.received()) {
    const auto policy = delivery.header("Schakel-Policy");
    const auto body = nlohmann::json::parse(delivery.body);
    EXPECT_EQ(body["data"].contains("incident_summary"), policy == wide_hash)
        << "minimised under one policy, labelled with another";
    auto records = gateway_->decision_records(delivery.header("Fsc-Transaction-Id"));
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0]["policy_hash"], policy);
  }
  EXPECT_EQ(gateway_->records_of_kind("policy-reload").size(), 12u);
}

TEST_F(ReloadTest, ABrokenPolicyIsRefusedAndTheOldOneKeepsServing) {
  const std::string before = gateway_->policy_hash();
  auto broken = nlohmann::json::parse(wide_region_);
  broken["partners"][0]["rol"] = "municipality";
  broken["purposes"]["e33-confused-behaviour"]["retention_days"] = 100000;
  auto refused = reload_with(broken.dump(2), 422);
  EXPECT_EQ(refused["result"], "refused");
  EXPECT_EQ(refused["status"], 422);
  EXPECT_EQ(refused["type"], "urn:schakel:problem:policy-invalid") << "problem+json, RFC 9457";
  EXPECT_EQ(refused["policy"], before);
  ASSERT_EQ(refused["errors"].size(), 2u) << "every error, not only the first";
  EXPECT_NE(refused["errors"].dump().find("/partners/0/rol: unknown member"), std::string::npos)
      << refused.dump();
  EXPECT_EQ(gateway_->policy_hash(), before);
  EXPECT_EQ(send_e33().status, 200);

  gateway_->stop();
  auto records = gateway_->records_of_kind("policy-reload");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["outcome"], "refused");
  EXPECT_EQ(records[0]["details"]["old_hash"], before);
  EXPECT_EQ(records[0]["details"]["errors"], "2");
  auto report = audit::verify_chain(gateway_->trail_dir());
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->intact());
}

TEST_F(ReloadTest, AReloadTakesUpARotatedKeyEpoch) {
  ASSERT_EQ(send_e33().status, 200);
  auto rotated = crypto::KeyStore::rotate(gateway_->settings().keys_dir, "ggz-voorbeeld");
  ASSERT_TRUE(rotated.has_value()) << rotated.error();
  auto reply = reload_with(wide_region_, 200);
  EXPECT_EQ(reply["key_epochs"]["ggz-voorbeeld"], 2);
  ASSERT_EQ(send_e33().status, 200);
  const auto received = upstream_.received();
  ASSERT_EQ(received.size(), 2u);
  const auto before = nlohmann::json::parse(received[0].body)["subject"]["pseudonym"];
  const auto after = nlohmann::json::parse(received[1].body)["subject"]["pseudonym"];
  EXPECT_TRUE(before.get<std::string>().starts_with("v1."));
  EXPECT_TRUE(after.get<std::string>().starts_with("v2.")) << after;
}

TEST_F(ReloadTest, ReloadNeedsTheTokenAndNoWebPageCanTriggerIt) {
  const std::vector<gateway::HeaderList> refused = {
      {},
      {{"Authorization", "Bearer 00"}},
      {{"Authorization", "Basic YWRtaW46YWRtaW4="}},
      {authorized(), {"Origin", "http://127.0.0.1:8080"}},
  };
  for (const auto& headers : refused) {
    auto reply = plain_request(gateway_->admin_port(), {"POST", "/admin/reload", headers, ""});
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->status, 401) << reply->body;
    EXPECT_EQ(reply->json()["type"], "urn:schakel:problem:unauthorized");
    EXPECT_EQ(reply->header("WWW-Authenticate"), "Bearer realm=\"schakel-admin\"");
  }
  EXPECT_TRUE(gateway_->records_of_kind("policy-reload").empty()) << "a refused call reloaded";
  auto wrong_method =
      plain_request(gateway_->admin_port(), {"GET", "/admin/reload", {authorized()}, ""});
  ASSERT_TRUE(wrong_method.has_value());
  EXPECT_EQ(wrong_method->status, 405);
  auto reply = plain_request(gateway_->admin_port(), {"POST", "/admin/reload", {authorized()}, ""});
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 200) << reply->body;
  // The scheme is case-insensitive (RFC 9110 11.1).
  auto [name, value] = authorized();
  value.replace(0, 6, "bEARER");
  auto lower =
      plain_request(gateway_->admin_port(), {"POST", "/admin/reload", {{name, value}}, ""});
  ASSERT_TRUE(lower.has_value());
  EXPECT_EQ(lower->status, 200) << lower->body;
}

}  // namespace
}  // namespace schakel::testing
