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
#include "tests/support/test_gateway.hpp"

namespace schakel::testing {
namespace {

constexpr int kKills = 20;
constexpr int kClients = 4;

class ServeProcess {
 public:
  ServeProcess(const std::filesystem::path& config, const std::filesystem::path& log) : log_(log) {
    pid_ = ::fork();
    if (pid_ == 0) {
      std::freopen(log.c_str(), "a", stderr);
      std::freopen(log.c_str(), "a", stdout);
      ::execl(SCHAKEL_BINARY, SCHAKEL_BINARY, "serve", "--config", config.c_str(), nullptr);
      ::_exit(127);
    }
  }
  ~ServeProcess() { kill(); }

  // The partner port from the newest "gateway.started" line, or 0 after 10 s.
  std::uint16_t wait_for_port(std::size_t starts_before) {
    for (int i = 0; i < 1000; ++i) {
      std::ifstream in(log_);
      std::string line;
      std::size_t starts = 0;
      std::uint16_t port = 0;
      while (std::getline(in, line)) {
        const auto at = line.find("gateway.started");
        const auto listen = line.find(" listen=127.0.0.1:");
        if (at == std::string::npos || listen == std::string::npos) continue;
        ++starts;
        port = static_cast<std::uint16_t>(std::stoi(line.substr(listen + 18)));
      }
      if (starts > starts_before) return port;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return 0;
  }

  void kill(int signal = SIGKILL) {
    if (pid_ <= 0) return;
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  std::filesystem::path log_;
  pid_t pid_ = -1;
};

void write_settings(const std::filesystem::path& dir, const std::filesystem::path& region) {
  const auto pki = test_pki();
  const nlohmann::json settings = {{"guideline", guideline_file().string()},
                                   {"region", region.string()},
                                   {"keys", (dir / "keys").string()},
                                   {"data_dir", (dir / "data").string()},
                                   {"tls",
                                    {{"ca", (pki / "ca.pem").string()},
                                     {"server_cert", (pki / "gateway-server.pem").string()},
                                     {"server_key", (pki / "gateway-server.key").string()},
                                     {"client_cert", (pki / "gateway-client.pem").string()},
                                     {"client_key", (pki / "gateway-client.key").string()}}},
                                   {"listen", {{"address", "127.0.0.1"}, {"port", 0}}},
                                   {"admin", {{"address", "127.0.0.1"}, {"port", 0}}},
                                   {"threads", 2}};
  write_file(dir / "schakel.json", settings.dump(2));
}

// Partners sending as fast as they can; remembers every receipt.
class Senders {
 public:
  explicit Senders(std::uint16_t port) {
    for (int i = 0; i < kClients; ++i) threads_.emplace_back([this, port] { run(port); });
  }
  ~Senders() { stop(); }
  void stop() {
    stopping_ = true;
    for (auto& thread : threads_) thread.join();
    threads_.clear();
  }
  [[nodiscard]] std::set<std::string> receipts() const {
    std::lock_guard lock(mutex_);
    return receipts_;
  }

 private:
  void run(std::uint16_t port) {
    while (!stopping_) {
      auto reply = tls_request(port, partner_cert("politie-eenheid-voorbeeld"), e33_request());
      if (reply && reply->status == 200) {
        std::lock_guard lock(mutex_);
        receipts_.insert(reply->json()["transaction_id"].get<std::string>());
      }
    }
  }
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
  mutable std::mutex mutex_;
  std::set<std::string> receipts_;
};

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
    Senders senders(port);
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
  auto keys = crypto::KeyStore::load(dir.path() / "keys");
  ASSERT_TRUE(keys.has_value());
  const auto signing = keys->signing_public_key();
  crypto::PublicKey public_key{};
  std::copy(signing.begin(), signing.end(), public_key.begin());
  auto report = audit::verify_chain(database, public_key);
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
