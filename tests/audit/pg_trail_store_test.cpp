// The audit trail in a real PostgreSQL 15 (issue 17): several writers append
// to one chain at once, and verify, query and prune read it as they read the
// embedded log; a change made in the database behind the gateway's back is
// found; a server stopped and started again is written to again without a
// new store; a batch never half-commits.
#include "audit/pg_trail_store.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <set>
#include <thread>

#include "audit/query.hpp"
#include "audit/verify.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/postgres.hpp"

namespace schakel::audit {
namespace {

using testing::Postgres;

class PgTrailStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = Postgres::shared();
    if (server_ == nullptr) GTEST_SKIP() << Postgres::why_not();
    server_->drop_tables();
    crypto_sign_keypair(public_key_.data(), secret_key_.data());
  }

  std::unique_ptr<PgTrailStore> open_store() {
    auto store = PgTrailStore::open({server_->options(), std::chrono::milliseconds(2000)});
    EXPECT_TRUE(store.has_value()) << store.error();
    return store ? std::move(*store) : nullptr;
  }

  static std::vector<AuditRecord> records(std::size_t count, const std::string& writer) {
    std::vector<AuditRecord> out(count);
    for (std::size_t i = 0; i < count; ++i) {
      out[i].kind = "decision";
      out[i].outcome = i % 2 ? "refused" : "allowed";
      out[i].purpose = "zvh-case-consultation";
      out[i].start_time = "2026-11-2" + std::to_string(i % 5) + "T10:00:00Z";
      out[i].transaction_id = writer + "-" + std::to_string(i);
    }
    return out;
  }

  VerifyReport verify() {
    PgTrail trail(server_->options());
    auto report = verify_trail(trail, {public_key_, {}, {}, 100'000, {}});
    EXPECT_TRUE(report.has_value()) << report.error();
    return report.value_or(VerifyReport{});
  }

  CheckpointSigner signer() { return ed25519_signer(secret_key_.data()); }

  Postgres* server_ = nullptr;
  crypto::PublicKey public_key_{};
  std::array<std::uint8_t, crypto_sign_SECRETKEYBYTES> secret_key_{};
};

TEST_F(PgTrailStoreTest, WritersAtOnceMakeOneUnbrokenChain) {
  constexpr int kWriters = 3;
  constexpr int kBatches = 20;
  std::vector<std::thread> threads;
  std::vector<std::set<std::uint64_t>> assigned(kWriters);
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      auto store = open_store();
      if (!store) return;
      for (int b = 0; b < kBatches; ++b) {
        auto batch = records(1 + (b % 4), "w" + std::to_string(w) + "b" + std::to_string(b));
        auto ok = store->append_batch(batch);
        EXPECT_TRUE(ok.has_value()) << ok.error();
        for (const auto& record : batch) assigned[w].insert(record.sequence);
        if (b % 7 == 0) {
          EXPECT_TRUE(store->write_checkpoint(signer()).has_value());
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<std::uint64_t> all;
  std::size_t total = 0;
  for (const auto& mine : assigned) {
    total += mine.size();
    all.insert(mine.begin(), mine.end());
  }
  EXPECT_EQ(all.size(), total) << "a sequence was given to two records";
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(*all.begin(), 1u);
  EXPECT_EQ(*all.rbegin(), total);
  const auto report = verify();
  EXPECT_TRUE(report.intact()) << report.problem;
  EXPECT_EQ(report.records, total);
  EXPECT_GT(report.checkpoints, 0u);
  EXPECT_TRUE(report.signatures_checked);
}

TEST_F(PgTrailStoreTest, ARecordChangedInTheDatabaseBreaksTheChain) {
  auto store = open_store();
  ASSERT_TRUE(store);
  auto batch = records(6, "x");
  ASSERT_TRUE(store->append_batch(batch).has_value());
  ASSERT_TRUE(store->write_checkpoint(signer()).has_value());
  ASSERT_TRUE(verify().intact());
  // A query column is no shortcut: the filter reads the hashed body.
  EXPECT_EQ(server_->sql("UPDATE schakel_trail SET payload = replace(payload, "
                         "'\"refused\"', '\"allowed\"') WHERE type = 1 AND sequence = 4"),
            "");
  auto report = verify();
  EXPECT_EQ(report.first_bad_sequence, 4u) << report.problem;
  QueryFilter filter;
  filter.outcome = "allowed";
  PgTrail trail(server_->options());
  EXPECT_FALSE(query_records(trail, filter).has_value()) << "answered from an altered trail";
}

TEST_F(PgTrailStoreTest, ATailDeletedWithItsHeadRowIsFoundByTheCheckpoint) {
  auto store = open_store();
  ASSERT_TRUE(store);
  auto batch = records(5, "t");
  ASSERT_TRUE(store->append_batch(batch).has_value());
  ASSERT_TRUE(store->write_checkpoint(signer()).has_value());
  EXPECT_EQ(server_->sql("DELETE FROM schakel_trail WHERE type = 1 AND sequence >= 4"), "");
  auto report = verify();
  EXPECT_FALSE(report.intact());
  EXPECT_NE(report.problem.find("truncated"), std::string::npos) << report.problem;
}

TEST_F(PgTrailStoreTest, PruneCutsExactlyAndTheRestStillVerifies) {
  auto store = open_store();
  ASSERT_TRUE(store);
  auto batch = records(10, "p");
  ASSERT_TRUE(store->append_batch(batch).has_value());
  ASSERT_TRUE(store->write_checkpoint(signer()).has_value());
  auto pruned = store->prune_through(6, signer());
  ASSERT_TRUE(pruned.has_value()) << pruned.error();
  EXPECT_EQ(pruned->records, 6u);
  EXPECT_EQ(pruned->checkpoint.sequence, 6u);
  EXPECT_TRUE(pruned->checkpoint.prune_cut);
  auto more = records(2, "after");
  ASSERT_TRUE(store->append_batch(more).has_value());
  EXPECT_EQ(more[0].sequence, 11u);
  const auto report = verify();
  EXPECT_TRUE(report.intact()) << report.problem;
  EXPECT_EQ(report.records, 6u);  // 7..12
  PgTrail trail(server_->options());
  auto oldest = oldest_record_time(trail);
  ASSERT_TRUE(oldest.has_value()) << oldest.error();
  EXPECT_EQ(**oldest, batch[6].start_time);
  // The same cut again removes nothing more.
  auto again = store->prune_through(6, signer());
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->records, 0u);
}

TEST_F(PgTrailStoreTest, QueryReadsTheRecordsThemselves) {
  auto store = open_store();
  ASSERT_TRUE(store);
  auto batch = records(8, "q");
  ASSERT_TRUE(store->append_batch(batch).has_value());
  QueryFilter filter;
  filter.outcome = "refused";
  PgTrail trail(server_->options());
  auto found = query_records(trail, filter);
  ASSERT_TRUE(found.has_value()) << found.error();
  ASSERT_EQ(found->size(), 4u);
  for (const auto& record : *found) EXPECT_EQ(record.body["outcome"], "refused");
}

TEST_F(PgTrailStoreTest, AStoppedServerFailsBatchesAndIsWrittenToAgainOnceStarted) {
  auto store = open_store();
  ASSERT_TRUE(store);
  auto first = records(2, "before");
  ASSERT_TRUE(store->append_batch(first).has_value());
  ASSERT_EQ(server_->run("stop"), 0);
  auto during = records(2, "during");
  EXPECT_FALSE(store->append_batch(during).has_value());
  EXPECT_FALSE(store->check_writable().has_value());
  ASSERT_EQ(server_->run("start"), 0);
  EXPECT_TRUE(store->check_writable().has_value());
  auto after = records(2, "after");
  auto ok = store->append_batch(after);
  ASSERT_TRUE(ok.has_value()) << ok.error();
  EXPECT_EQ(after[0].sequence, 3u) << "the failed batch left nothing behind";
  EXPECT_TRUE(verify().intact());
}

TEST_F(PgTrailStoreTest, AHeadHeldPastTheLockTimeoutFailsThatBatchAlone) {
  auto store = open_store();
  ASSERT_TRUE(store);
  auto ok_batch = records(3, "ok");
  ASSERT_TRUE(store->append_batch(ok_batch).has_value());
  // Another session holds the head row longer than the store waits (2 s).
  const auto holder = testing::run_command(
      "(" + (testing::source_dir() / "scripts/pg-local.sh").string() + " psql '" +
      server_->dir().string() +
      "' -c 'BEGIN; SELECT 1 FROM schakel_trail_head FOR UPDATE; SELECT pg_sleep(4); COMMIT;' "
      ">/dev/null 2>&1 &) ; sleep 1");
  ASSERT_EQ(holder.status, 0);
  auto blocked = records(2, "blocked");
  auto refused = store->append_batch(blocked);
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().find("lock"), std::string::npos) << refused.error();
  auto later = records(1, "later");
  bool written = false;
  for (int i = 0; i < 10 && !written; ++i) written = store->append_batch(later).has_value();
  ASSERT_TRUE(written);
  EXPECT_EQ(later[0].sequence, 4u);
  EXPECT_TRUE(verify().intact());
}

}  // namespace
}  // namespace schakel::audit
