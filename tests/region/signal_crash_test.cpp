// A SIGKILL between a match and its notification loses neither (issue 14):
// `schakel serve` as a child process matches two signals while the police's
// endpoint is down, is killed, and is started again with the endpoint up:
// the police's notification arrives from the store, the match has exactly
// one audit record, and the chain verifies. And a change whose record the
// trail refused is not lost by a SIGKILL either: the next start writes the
// held record (marked replayed) before the participants are told.
#include <gtest/gtest.h>

#include <thread>

#include "audit/verify.hpp"
#include "crypto/key_store.hpp"
#include "gateway/envelope.hpp"
#include "tests/support/client.hpp"
#include "tests/support/peers.hpp"
#include "tests/support/serve_process.hpp"
#include "tests/support/test_gateway.hpp"
#include "tests/support/trail_lock.hpp"

namespace schakel::testing {
namespace {

using nlohmann::json;

HttpResult register_signal(std::uint16_t port, const char* partner_id) {
  const json body = {{"subject", {{"bsn", "999990019"}}},
                     {"purpose", "zvh-case-consultation"},
                     {"contact", std::string("team@") + partner_id + ".example"}};
  HttpRequest request{"POST", "/v1/signals", {{"Content-Type", "application/json"}}, body.dump()};
  auto reply = tls_request(port, partner_cert(partner_id), request);
  EXPECT_TRUE(reply.has_value()) << reply.error();
  return reply.value_or(HttpResult{});
}

std::vector<Received> notifications_to(const TlsUpstream& upstream, const std::string& target,
                                       std::size_t count) {
  std::vector<Received> out;
  for (int i = 0; i < 600; ++i) {  // at most 30 s: a retry waits up to 2^attempts s
    out.clear();
    for (auto& received : upstream.received()) {
      if (received.target == target && !received.header("Schakel-Notification").empty()) {
        out.push_back(received);
      }
    }
    if (out.size() >= count) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return out;
}

std::filesystem::path region_with_police_at(const std::filesystem::path& dir, std::uint16_t up,
                                            std::uint16_t police) {
  const auto path = write_test_region(dir, PeerPorts{up, up, up});
  auto region = json::parse(read_file(path));
  for (auto& partner : region["partners"]) {
    if (partner["id"] == "politie-eenheid-voorbeeld") {
      partner["endpoint"] =
          "https://127.0.0.1:" + std::to_string(police) + "/politie-eenheid-voorbeeld";
    }
  }
  write_file(path, region.dump(2));
  return path;
}

TEST(SignalCrashTest, AKillBetweenAMatchAndItsNotificationLosesNeither) {
  TempDir dir;
  TlsUpstream upstream;
  ASSERT_TRUE(crypto::KeyStore::init(dir.path() / "keys"));
  write_settings(dir.path(), region_with_police_at(dir.path(), upstream.port(), closed_port()));
  const auto log = dir.path() / "serve.log";
  {
    ServeProcess serve(dir.path(), log);
    const auto port = serve.wait_for_port(0);
    ASSERT_NE(port, 0) << read_file(log);
    ASSERT_EQ(register_signal(port, "politie-eenheid-voorbeeld").status, 201);
    ASSERT_EQ(register_signal(port, "ggz-voorbeeld").status, 201);
    ASSERT_EQ(notifications_to(upstream, "/ggz-voorbeeld", 1).size(), 1u) << read_file(log);
    serve.kill(SIGKILL);  // the police's notification failed and waits in the store
  }
  EXPECT_TRUE(notifications_to(upstream, "/politie-eenheid-voorbeeld", 1).empty());

  write_settings(dir.path(), region_with_police_at(dir.path(), upstream.port(), upstream.port()));
  ServeProcess again(dir.path(), log);
  ASSERT_NE(again.wait_for_port(1), 0) << read_file(log);
  const auto police = notifications_to(upstream, "/politie-eenheid-voorbeeld", 1);
  ASSERT_EQ(police.size(), 1u) << "the notification survived the kill\n" << read_file(log);
  EXPECT_EQ(json::parse(police[0].body)["partner"]["oin"], partners::kMentalHealth);
  // The attempt's record follows its delivery (held with its outcome, then
  // appended): wait for it before stopping, as an operator reading the trail would.
  const auto trail = dir.path() / "data" / "trail";
  auto delivered = [&] {
    std::size_t count = 0;
    for (const auto& record : audit_records_of_kind(trail, "notification")) {
      count += record["outcome"] == "delivered" ? 1 : 0;
    }
    return count;
  };
  for (int i = 0; i < 200 && delivered() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  again.kill(SIGTERM);

  EXPECT_EQ(audit_records_of_kind(trail, "match").size(), 1u) << "one match, one record";
  EXPECT_EQ(delivered(), 2u);
  auto report = verify_with_keys(dir.path() / "keys", trail);
  ASSERT_TRUE(report.has_value()) << report.error();
  EXPECT_TRUE(report->intact()) << report->first_bad_sequence << ": " << report->problem;
}

TEST(SignalCrashTest, AChangeHeldForItsRecordSurvivesAKillAndIsRecordedBeforeItIsTold) {
  TempDir dir;
  TlsUpstream upstream;
  ASSERT_TRUE(crypto::KeyStore::init(dir.path() / "keys"));
  write_settings(dir.path(), region_with_police_at(dir.path(), upstream.port(), upstream.port()));
  const auto log = dir.path() / "serve.log";
  const auto trail = dir.path() / "data" / "trail";
  {
    ServeProcess serve(dir.path(), log);
    const auto port = serve.wait_for_port(0);
    ASSERT_NE(port, 0) << read_file(log);
    HeldTrailLock lock(trail);
    ASSERT_TRUE(lock.held());
    const json body = {{"subject", {{"bsn", "999990019"}}},
                       {"purpose", "zvh-case-consultation"},
                       {"level", 2},
                       {"participants", json::array({{{"partner", partners::kPolice}}})}};
    HttpRequest request{"POST", "/v1/cases", {{"Content-Type", "application/json"}}, body.dump()};
    auto reply = tls_request(port, partner_cert("zvh-voorbeeld"), request);
    ASSERT_TRUE(reply.has_value()) << reply.error();
    ASSERT_EQ(reply->status, 503) << reply->body;
    serve.kill(SIGKILL);  // the case is stored, its record held, nobody told
  }
  EXPECT_TRUE(notifications_to(upstream, "/politie-eenheid-voorbeeld", 1).empty());
  EXPECT_TRUE(audit_records_of_kind(trail, "case").empty());

  ServeProcess again(dir.path(), log);
  ASSERT_NE(again.wait_for_port(1), 0) << read_file(log);
  const auto police = notifications_to(upstream, "/politie-eenheid-voorbeeld", 1);
  ASSERT_EQ(police.size(), 1u) << read_file(log);
  again.kill(SIGTERM);

  const auto cases = audit_records_of_kind(trail, "case");
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0]["outcome"], "opened");
  EXPECT_EQ(cases[0]["case"], json::parse(police[0].body)["case"]);
  EXPECT_EQ(cases[0]["details"]["replayed"], "after a restart");
  for (const auto& delivery : audit_records_of_kind(trail, "notification")) {
    EXPECT_GT(delivery["sequence"].get<std::uint64_t>(), cases[0]["sequence"].get<std::uint64_t>());
  }
  auto report = verify_with_keys(dir.path() / "keys", trail);
  ASSERT_TRUE(report.has_value()) << report.error();
  EXPECT_TRUE(report->intact()) << report->first_bad_sequence << ": " << report->problem;
}

}  // namespace
}  // namespace schakel::testing
