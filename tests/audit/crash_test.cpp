// The audit trail survives SIGKILL: `schakel serve` runs as a child process
// under load from several partner clients and is killed at random moments,
// again and again, then restarted on the same data directory. Afterwards
// every message the recipient received and every receipt a sender got has
// its decision record, no sequence number repeats, and the chain verifies.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "audit/verify.hpp"
#include "crypto/key_store.hpp"
#include "gateway/envelope.hpp"
#include "tests/support/client.hpp"
#include "tests/support/peers.hpp"
#include "tests/support/senders.hpp"
#include "tests/support/serve_process.hpp"
#include "tests/support/test_gateway.hpp"

namespace schakel::testing {
namespace {

constexpr int kKills = 20;
constexpr int kClients = 4;

TEST(CrashTest, EveryDeliveryAndReceiptHasItsRecordAfterRepeatedSigkill) {
  TempDir dir;
  TlsUpstream upstream;
  SilentPeer silent;
  const auto region =
      write_test_region(dir.path(), {upstream.port(), silent.port(), closed_port()});
  write_settings(dir.path(), region);
  ASSERT_TRUE(crypto::KeyStore::init(dir.path() / "keys"));
  const auto log = dir.path() / "serve.log";

  std::mt19937 random(20261125);
  std::set<std::string> receipts;
  for (int kill = 0; kill < kKills; ++kill) {
    ServeProcess serve(dir.path(), log);
    const auto port = serve.wait_for_port(static_cast<std::size_t>(kill));
    ASSERT_NE(port, 0) << "serve did not start:\n" << read_file(log);
    Senders senders(port, kClients);
    // Killed at a random moment once messages flow, however slow the build
    // (sanitisers) or the machine: each round adds deliveries.
    for (int i = 0; i < 1000 && senders.receipts().empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(50, 300)(random)));
    serve.kill();
    senders.stop();
    const auto got = senders.receipts();
    receipts.insert(got.begin(), got.end());
  }

  {  // One more start, left idle, then a clean stop: the tail the kills left gets signed.
    ServeProcess serve(dir.path(), log);
    ASSERT_NE(serve.wait_for_port(kKills), 0) << read_file(log);
    serve.kill(SIGTERM);
  }

  const auto database = dir.path() / "data" / "trail";
  std::set<std::string> delivered;
  for (const auto& record : audit_records_of_kind(database, "delivery")) {
    if (record["outcome"] == "delivered") {
      delivered.insert(record["transaction_id"].get<std::string>());
    }
  }
  std::set<std::string> decided;
  for (const auto& record : audit_records_of_kind(database, "decision")) {
    if (record["outcome"] == "allowed") decided.insert(record["transaction_id"].get<std::string>());
  }
  const auto received = upstream.received();
  ASSERT_GT(received.size(), 20u) << "too little load to prove anything";
  ASSERT_FALSE(receipts.empty());
  for (const auto& delivery : received) {
    EXPECT_TRUE(decided.contains(delivery.header("Fsc-Transaction-Id")))
        << "delivered without a decision record: " << delivery.header("Fsc-Transaction-Id");
  }
  for (const auto& id : receipts) {
    EXPECT_TRUE(decided.contains(id)) << "receipt without a decision record: " << id;
    EXPECT_TRUE(delivered.contains(id))
        << "a delivered receipt without its delivery record: " << id;
  }
  auto report = verify_with_keys(dir.path() / "keys", database);
  ASSERT_TRUE(report.has_value()) << report.error();
  EXPECT_TRUE(report->intact()) << report->first_bad_sequence << ": " << report->problem;
  std::set<std::uint64_t> sequences;
  for (const auto* kind : {"decision", "delivery"}) {
    for (const auto& record : audit_records_of_kind(database, kind)) {
      EXPECT_TRUE(sequences.insert(record["sequence"].get<std::uint64_t>()).second)
          << "sequence " << record["sequence"] << " repeats";
    }
  }
  EXPECT_EQ(sequences.size(), report->records);
  EXPECT_EQ(report->last_checkpoint_sequence, report->first_sequence + report->records - 1)
      << "the tail the kills left unsigned was not signed by the next start";
  std::printf("crash test: %d kills, %zu deliveries, %zu receipts, %llu records\n", kKills,
              received.size(), receipts.size(), static_cast<unsigned long long>(report->records));
}

}  // namespace
}  // namespace schakel::testing
