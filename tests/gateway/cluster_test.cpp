// Several gateways on PostgreSQL behind HAProxy (issue 17), as
// scripts/cluster.sh starts them: PostgreSQL 15 primary + synchronous hot
// standby, three `schakel serve` instances, HAProxy in TCP mode with PROXY
// v2 and /readyz checks. Four senders load it through HAProxy while an
// instance is SIGKILLed, while the database is stopped, and while the
// standby is promoted; afterwards every receipt and every delivery has its
// decision record in the one chain, no sequence repeats, and the chain
// verifies with the signing key; a dump of the database holds no personal
// value. The tests run in order on one cluster (the failover leaves it on
// the promoted standby).
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "audit/pg_trail_store.hpp"
#include "audit/verify.hpp"
#include "crypto/key_store.hpp"
#include "gateway/envelope.hpp"
#include "tests/support/client.hpp"
#include "tests/support/peers.hpp"
#include "tests/support/postgres.hpp"
#include "tests/support/raw_tls.hpp"
#include "tests/support/senders.hpp"
#include "tests/support/serve_process.hpp"
#include "tests/support/test_gateway.hpp"

namespace schakel::testing {
namespace {

constexpr int kInstances = 3;
constexpr int kSenders = 4;

std::string cluster_script() {
  return (source_dir() / "scripts/cluster.sh").string();
}

// scripts/cluster.sh up, and its cluster.env read back; down at the end.
class Cluster {
 public:
  explicit Cluster(const std::filesystem::path& dir) : dir_(dir / "cluster") {
    const auto up =
        run_command(cluster_script() + " up " + dir_.string() + " --settings " +
                    (dir / "schakel.json").string() + " --instances " + std::to_string(kInstances) +
                    " --schakel " + SCHAKEL_BINARY + " 2>&1");
    output_ = up.out;
    if (up.status != 0) return;
    std::ifstream env(dir_ / "cluster.env");
    std::string line;
    while (std::getline(env, line)) {
      const auto eq = line.find('=');
      if (eq == std::string::npos) continue;
      auto value = line.substr(eq + 1);
      if (value.size() >= 2 && value.front() == '\'') value = value.substr(1, value.size() - 2);
      env_[line.substr(0, eq)] = value;
    }
  }
  ~Cluster() { (void)run_command(cluster_script() + " down " + dir_.string() + " 2>&1"); }

  [[nodiscard]] bool up() const { return env_.contains("port"); }
  [[nodiscard]] const std::string& output() const { return output_; }
  [[nodiscard]] std::uint16_t port(const std::string& name) const {
    return static_cast<std::uint16_t>(std::stoi(env_.at(name)));
  }
  [[nodiscard]] std::uint16_t haproxy() const { return port("port"); }
  [[nodiscard]] std::uint16_t gateway(int i) const {
    return port("gateway_" + std::to_string(i) + "_port");
  }
  [[nodiscard]] std::uint16_t admin(int i) const {
    return port("gateway_" + std::to_string(i) + "_admin");
  }
  [[nodiscard]] std::string env(const std::string& name) const { return env_.at(name); }
  int gateway_action(int i, const std::string& action) const {
    return run_command(cluster_script() + " gateway " + dir_.string() + " " + std::to_string(i) +
                       " " + action + " 2>&1")
        .status;
  }
  int pg(const std::string& action, const std::string& server) const {
    return run_command((source_dir() / "scripts/pg-local.sh").string() + " " + action + " " +
                       env(server) + " 2>&1")
        .status;
  }
  [[nodiscard]] pg::Options options() const {
    return pg::Options{env("conninfo"), read_password_file(env("password_file")), "schakel-test",
                       std::chrono::seconds(10)};
  }
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::string output_;
  std::map<std::string, std::string> env_;
};

// One request straight to an instance, with the PROXY header HAProxy would
// send; the raw reply.
std::string ask_instance(std::uint16_t port, const std::string& partner,
                         const HttpRequest& request) {
  RawTlsConnection connection(port, partner_cert(partner),
                              proxy_header(1, 0x11, proxy_ipv4_block()));
  if (!connection.connected()) return "";
  std::string head = request.method + " " + request.target +
                     " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";
  for (const auto& [name, value] : request.headers) head += name + ": " + value + "\r\n";
  head += "Content-Length: " + std::to_string(request.body.size()) + "\r\n\r\n";
  if (!connection.send(head + request.body)) return "";
  return connection.receive();
}

HttpRequest signal_request(const std::string& partner) {
  const nlohmann::json body = {{"subject", {{"bsn", "999990019"}}},
                               {"purpose", "zvh-case-consultation"},
                               {"contact", "team@" + partner + ".example"}};
  return {
      "POST",
      "/v1/signals",
      {{"Content-Type", "application/json"}, {"Fsc-Transaction-Id", gateway::new_transaction_id()}},
      body.dump()};
}

bool readyz_becomes(std::uint16_t admin, int status) {
  for (int i = 0; i < 300; ++i) {
    auto reply = plain_get(admin, "/readyz");
    if (reply && reply->status == status) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

class ClusterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (run_command("command -v haproxy >/dev/null").status != 0) {
      skip_ = "HAProxy is not installed (scripts/bootstrap.sh installs it)";
      return;
    }
    if (run_command("test -x /usr/lib/postgresql/15/bin/postgres").status != 0) {
      skip_ = "PostgreSQL 15 is not installed (scripts/bootstrap.sh installs it)";
      return;
    }
    dir_ = new TempDir;
    // PostgreSQL runs as "postgres" when the tests run as root: it must reach its directories.
    std::filesystem::permissions(dir_->path(), std::filesystem::perms::others_exec,
                                 std::filesystem::perm_options::add);
    upstream_ = new TlsUpstream;
    silent_ = new SilentPeer;
    const auto region =
        write_test_region(dir_->path(), {upstream_->port(), silent_->port(), closed_port()});
    write_settings(dir_->path(), region);
    cluster_ = new Cluster(dir_->path());
  }
  static void TearDownTestSuite() {
    delete cluster_;
    delete silent_;
    delete upstream_;
    delete dir_;
    cluster_ = nullptr;
  }
  void SetUp() override {
    if (!skip_.empty()) GTEST_SKIP() << skip_;
    ASSERT_TRUE(cluster_->up()) << "scripts/cluster.sh up failed:\n" << cluster_->output();
  }

  // Every receipt and delivery against the one chain, which must verify.
  static void expect_every_exchange_recorded(const Senders& senders) {
    const auto receipts = senders.receipts();
    const auto recorded = senders.delivery_recorded();
    audit::PgTrail trail(cluster_->options());
    std::set<std::string> decided;
    for (const auto& record : audit_records_of_kind(trail, "decision")) {
      if (record["outcome"] == "allowed") {
        decided.insert(record["transaction_id"].get<std::string>());
      }
    }
    std::set<std::string> delivered;
    for (const auto& record : audit_records_of_kind(trail, "delivery")) {
      if (record["outcome"] == "delivered") {
        delivered.insert(record["transaction_id"].get<std::string>());
      }
    }
    const auto received = upstream_->received();
    ASSERT_FALSE(receipts.empty());
    ASSERT_FALSE(recorded.empty());
    for (const auto& delivery : received) {
      if (!delivery.header("Schakel-Notification").empty()) continue;  // the region's own
      EXPECT_TRUE(decided.contains(delivery.header("Fsc-Transaction-Id")))
          << "delivered without a decision record: " << delivery.header("Fsc-Transaction-Id");
    }
    for (const auto& id : receipts) {
      EXPECT_TRUE(decided.contains(id)) << "receipt without a decision record: " << id;
      if (!recorded.contains(id)) continue;  // the receipt said its delivery record failed
      EXPECT_TRUE(delivered.contains(id)) << "receipt without its delivery record: " << id;
    }
    auto keys = crypto::KeyStore::load(dir_->path() / "keys");
    ASSERT_TRUE(keys.has_value()) << keys.error();
    const auto signing = keys->signing_public_key();
    crypto::PublicKey key{};
    std::copy(signing.begin(), signing.end(), key.begin());
    auto report = audit::verify_trail(trail, {key, {}, {}, 100'000, {}});
    ASSERT_TRUE(report.has_value()) << report.error();
    EXPECT_TRUE(report->intact()) << report->first_bad_sequence << ": " << report->problem;
    std::set<std::uint64_t> sequences;
    std::size_t records = 0;
    for (const auto* kind : {"decision", "delivery"}) {
      for (const auto& record : audit_records_of_kind(trail, kind)) {
        ++records;
        EXPECT_TRUE(sequences.insert(record["sequence"].get<std::uint64_t>()).second)
            << "sequence " << record["sequence"] << " repeats";
      }
    }
    EXPECT_EQ(sequences.size(), records);
    std::printf("cluster: %zu receipts, %zu deliveries, %llu records in one chain\n",
                receipts.size(), received.size(), static_cast<unsigned long long>(report->records));
  }

  static inline std::string skip_;
  static inline TempDir* dir_ = nullptr;
  static inline TlsUpstream* upstream_ = nullptr;
  static inline SilentPeer* silent_ = nullptr;
  static inline Cluster* cluster_ = nullptr;
};

TEST_F(ClusterTest, SignalsAtTwoInstancesMatchAndEachPartnerIsToldOnce) {
  const auto first = ask_instance(cluster_->gateway(1), "politie-eenheid-voorbeeld",
                                  signal_request("politie-eenheid-voorbeeld"));
  ASSERT_EQ(first_status(first), 201) << first;
  const auto second =
      ask_instance(cluster_->gateway(2), "ggz-voorbeeld", signal_request("ggz-voorbeeld"));
  ASSERT_EQ(first_status(second), 201) << second;
  EXPECT_EQ(nlohmann::json::parse(last_body(second))["matches"], 1)
      << "the instances share the region's state";
  // Three instances' notifiers see the two notifications; each is sent once.
  std::map<std::string, int> told;
  for (int i = 0; i < 300 && told.size() < 2; ++i) {
    told.clear();
    for (const auto& received : upstream_->received()) {
      if (received.header("Schakel-Notification") == "match") ++told[received.target];
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(told.size(), 2u) << "both partners told";
  std::this_thread::sleep_for(std::chrono::seconds(3));  // the other notifiers' rounds
  told.clear();
  for (const auto& received : upstream_->received()) {
    if (received.header("Schakel-Notification") == "match") ++told[received.target];
  }
  for (const auto& [target, times] : told) EXPECT_EQ(times, 1) << target << " told twice";
}

TEST_F(ClusterTest, AnInstanceKilledUnderLoadLosesNoRecord) {
  Senders senders(cluster_->haproxy(), kSenders);
  ASSERT_TRUE(senders.await_more(30)) << "no load through HAProxy";
  ASSERT_EQ(cluster_->gateway_action(2, "kill"), 0);
  ASSERT_TRUE(senders.await_more(30)) << "the other instances did not take over";
  senders.stop();
  ASSERT_EQ(cluster_->gateway_action(2, "start"), 0) << "the killed instance did not start again";
  expect_every_exchange_recorded(senders);
}

// SIGTERM with timeouts_ms.drain_notice: /readyz says 503 while the instance
// still accepts, HAProxy takes it out, then it closes — no partner sees an error.
TEST_F(ClusterTest, AnInstanceDrainedUnderLoadFailsNoRequest) {
  Senders senders(cluster_->haproxy(), kSenders);
  ASSERT_TRUE(senders.await_more(30)) << "no load through HAProxy";
  ASSERT_EQ(senders.failures(), 0u);
  ASSERT_EQ(cluster_->gateway_action(3, "stop"), 0);
  ASSERT_TRUE(senders.await_more(30)) << "the other instances did not carry the load";
  senders.stop();
  EXPECT_EQ(senders.failures(), 0u) << "a partner saw the drain";
  ASSERT_EQ(cluster_->gateway_action(3, "start"), 0);
  expect_every_exchange_recorded(senders);
}

TEST_F(ClusterTest, WithTheDatabaseStoppedEveryInstanceRefusesThenResumes) {
  ASSERT_EQ(cluster_->pg("stop", "pg_primary"), 0);
  const auto before = upstream_->received().size();
  for (int i = 1; i <= kInstances; ++i) {
    EXPECT_TRUE(readyz_becomes(cluster_->admin(i), 503)) << "instance " << i << " stays ready";
    // Straight to the instance (HAProxy has taken them all out), as HAProxy would.
    const auto reply =
        ask_instance(cluster_->gateway(i), "politie-eenheid-voorbeeld", e33_request());
    EXPECT_EQ(first_status(reply), 503) << "instance " << i;
    EXPECT_NE(last_body(reply).find("audit-unavailable"), std::string::npos) << reply;
  }
  EXPECT_EQ(upstream_->received().size(), before) << "forwarded without a record";
  ASSERT_EQ(cluster_->pg("start", "pg_primary"), 0);
  for (int i = 1; i <= kInstances; ++i) {
    EXPECT_TRUE(readyz_becomes(cluster_->admin(i), 200)) << "instance " << i << " stays unready";
  }
  Senders senders(cluster_->haproxy(), kSenders);
  EXPECT_TRUE(senders.await_more(10)) << "service did not resume without a restart";
  senders.stop();
  expect_every_exchange_recorded(senders);
}

TEST_F(ClusterTest, PromotingTheStandbyUnderLoadLosesNoAcknowledgedDecision) {
  Senders senders(cluster_->haproxy(), kSenders);
  ASSERT_TRUE(senders.await_more(30)) << "no load through HAProxy";
  ASSERT_EQ(cluster_->pg("kill", "pg_primary"), 0);
  ASSERT_EQ(cluster_->pg("promote", "pg_standby"), 0);
  EXPECT_TRUE(senders.await_more(30)) << "the instances did not find the new primary";
  senders.stop();
  expect_every_exchange_recorded(senders);
}

TEST_F(ClusterTest, ADumpOfTheDatabaseHoldsNoPersonalValue) {
  Senders senders(cluster_->haproxy(), kSenders);
  ASSERT_TRUE(senders.await_more(10));
  senders.stop();
  // The promoted standby after the failover test, else the primary.
  auto dump = run_command((source_dir() / "scripts/pg-local.sh").string() + " dump " +
                          cluster_->env("pg_standby") + " 2>/dev/null");
  if (dump.out.find("schakel_trail") == std::string::npos) {
    dump = run_command((source_dir() / "scripts/pg-local.sh").string() + " dump " +
                       cluster_->env("pg_primary") + " 2>/dev/null");
  }
  ASSERT_NE(dump.out.find("COPY public.schakel_trail"), std::string::npos)
      << dump.out.substr(0, 500);
  ASSERT_NE(dump.out.find("\"kind\":\"decision\""), std::string::npos) << "records are readable";
  for (const char* value : {"999990019", "1987-03-14", "3511 AB", "06-12345678", "Man verward"}) {
    EXPECT_EQ(dump.out.find(value), std::string::npos) << "the dump holds " << value;
  }
}

}  // namespace
}  // namespace schakel::testing
