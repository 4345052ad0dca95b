// A queued message survives a SIGKILL (issue 15): `schakel serve` as a
// child process queues a message (Prefer: respond-async) for a recipient
// that is down, is killed, and is started again with the recipient up: the
// message arrives exactly once, under the transaction id it was queued with,
// and the chain verifies. While it waits, the queue's bytes hold nothing of
// the message in clear.
#include <gtest/gtest.h>

#include <thread>

#include "crypto/key_store.hpp"
#include "tests/support/client.hpp"
#include "tests/support/peers.hpp"
#include "tests/support/serve_process.hpp"
#include "tests/support/test_gateway.hpp"

namespace schakel::testing {
namespace {

using nlohmann::json;

std::filesystem::path region_with_ggz_at(const std::filesystem::path& dir, std::uint16_t up,
                                         std::uint16_t ggz) {
  const auto path = write_test_region(dir, PeerPorts{up, up, up});
  auto region = json::parse(read_file(path));
  for (auto& partner : region["partners"]) {
    if (partner["id"] == "ggz-voorbeeld") {
      partner["endpoint"] = "https://127.0.0.1:" + std::to_string(ggz) + "/ggz-voorbeeld";
    }
  }
  write_file(path, region.dump(2));
  return path;
}

std::string bytes_of_region_store(const std::filesystem::path& data) {
  std::string out;
  for (const auto& entry : std::filesystem::directory_iterator(data)) {
    if (entry.path().filename().string().starts_with("region.sqlite")) {
      out += read_file(entry.path());
    }
  }
  return out;
}

TEST(QueueCrashTest, AQueuedMessageSurvivesAKillAndArrivesOnce) {
  TempDir dir;
  TlsUpstream upstream;
  ASSERT_TRUE(crypto::KeyStore::init(dir.path() / "keys"));
  write_settings(dir.path(), region_with_ggz_at(dir.path(), upstream.port(), closed_port()));
  const auto log = dir.path() / "serve.log";
  const auto data = dir.path() / "data";
  std::string id;
  {
    ServeProcess serve(dir.path(), log);
    const auto port = serve.wait_for_port(0);
    ASSERT_NE(port, 0) << read_file(log);
    auto request = e33_request(partners::kMentalHealth, "2", &id);
    request.headers.emplace_back("Prefer", "respond-async");
    auto queued = tls_request(port, partner_cert("politie-eenheid-voorbeeld"), request);
    ASSERT_TRUE(queued.has_value()) << queued.error();
    ASSERT_EQ(queued->status, 202) << queued->body;
    const std::string stored = bytes_of_region_store(data);
    ASSERT_FALSE(stored.empty());
    for (const char* clear : {"incident_summary", "2026-11-20", "999990019", "Schakel-Purpose"}) {
      EXPECT_EQ(stored.find(clear), std::string::npos) << clear << " in clear in the queue";
    }
    serve.kill(SIGKILL);  // the first attempt failed: the message waits in the queue
  }
  EXPECT_TRUE(upstream.received_with(id).empty());

  write_settings(dir.path(), region_with_ggz_at(dir.path(), upstream.port(), upstream.port()));
  ServeProcess again(dir.path(), log);
  ASSERT_NE(again.wait_for_port(1), 0) << read_file(log);
  for (int i = 0; i < 400 && upstream.received_with(id).empty(); ++i) {  // a retry waits 2 s
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto trail = data / "trail";
  auto delivered = [&] {
    std::size_t count = 0;
    for (const auto& record : audit_records_of_kind(trail, "delivery")) {
      count += record["transaction_id"] == id && record["outcome"] == "delivered" ? 1 : 0;
    }
    return count;
  };
  for (int i = 0; i < 200 && delivered() < 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  again.kill(SIGTERM);
  const auto received = upstream.received_with(id);
  ASSERT_EQ(received.size(), 1u) << "exactly once\n" << read_file(log);
  EXPECT_EQ(received[0].header("Fsc-Transaction-Id"), id);
  EXPECT_EQ(delivered(), 1u);
  auto report = verify_with_keys(dir.path() / "keys", trail);
  ASSERT_TRUE(report.has_value()) << report.error();
  EXPECT_TRUE(report->intact()) << report->first_bad_sequence << ": " << report->problem;
}

}  // namespace
}  // namespace schakel::testing
