#include "audit/audit_log.hpp"

#include <gtest/gtest.h>

#include <sodium.h>

#include <future>
#include <set>
#include <thread>

#include "audit/log_store.hpp"
#include "audit/verify.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/trail_lock.hpp"

namespace schakel::audit {
namespace {

AuditRecord decision(int n) {
  AuditRecord record;
  record.kind = "decision";
  record.outcome = "allowed";
  record.transaction_id = "tx-" + std::to_string(n);
  record.sender = "00000001002345678000";
  record.fields = {{"birth_date", "demographic", "year", "guideline.json#/x"}};
  return record;
}

std::expected<std::uint64_t, std::string> append_and_wait(AuditLog& log, AuditRecord record) {
  std::promise<std::expected<std::uint64_t, std::string>> done;
  log.append(std::move(record), [&](auto result) { done.set_value(std::move(result)); });
  return done.get_future().get();
}

TEST(AuditLog, ConcurrentAppendsGetDistinctConsecutiveSequencesInOneChain) {
  testing::TempDir dir;
  const auto path = dir.path() / "trail";
  std::uint64_t batches = 0;
  std::set<std::uint64_t> sequences;
  {
    auto store = LogStore::open({.directory = path});
    ASSERT_TRUE(store.has_value()) << store.error();
    AuditLog log(std::move(*store));
    std::mutex mutex;
    std::vector<std::thread> writers;
    for (int t = 0; t < 8; ++t) {
      writers.emplace_back([&, t] {
        for (int i = 0; i < 50; ++i) {
          auto sequence = append_and_wait(log, decision(t * 100 + i));
          std::lock_guard lock(mutex);
          if (sequence) sequences.insert(*sequence);
        }
      });
    }
    for (auto& writer : writers) writer.join();
    batches = log.batches_committed();
  }
  ASSERT_EQ(sequences.size(), 400u);
  EXPECT_EQ(*sequences.begin(), 1u);
  EXPECT_EQ(*sequences.rbegin(), 400u);
  EXPECT_LE(batches, 400u);
  auto report = verify_chain(path);
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->intact()) << report->problem;
  EXPECT_EQ(report->records, 400u);
}

// Issue 11: a crash leaves records after the last checkpoint. The next start
// signs them at once, before any new record — idle or stopped, the tail is
// never left unsigned.
TEST(AuditLog, StartSignsATailThatACrashLeftUnsigned) {
  testing::TempDir dir;
  const auto path = dir.path() / "trail";
  {
    auto store = LogStore::open({.directory = path});
    ASSERT_TRUE(store.has_value()) << store.error();
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(append_one(**store, decision(i)).has_value());
  }  // no checkpoint: as if killed
  std::array<std::uint8_t, 64> secret{};
  std::array<std::uint8_t, 32> public_key{};
  crypto_sign_keypair(public_key.data(), secret.data());
  AuditLogOptions options;
  options.signer = ed25519_signer(secret.data());
  options.checkpoint_interval = std::chrono::hours(1);
  auto store = LogStore::open({.directory = path});
  ASSERT_TRUE(store.has_value());
  AuditLog log(std::move(*store), options);
  std::uint64_t signed_through = 0;
  for (int i = 0; i < 500 && signed_through == 0; ++i) {
    auto report = verify_chain(path, public_key);
    ASSERT_TRUE(report.has_value()) << report.error();
    EXPECT_TRUE(report->intact()) << report->problem;
    signed_through = report->last_checkpoint_sequence;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(signed_through, 5u) << "the recovered tail was not signed at start";
}

TEST(AuditLog, AFailedBatchWritesNothingAndTheChainContinuesAfterwards) {
  testing::TempDir dir;
  const auto path = dir.path() / "trail";
  auto store = LogStore::open({.directory = path, .lock_timeout = std::chrono::milliseconds(50)});
  ASSERT_TRUE(store.has_value());
  AuditLog log(std::move(*store));
  ASSERT_TRUE(append_and_wait(log, decision(1)).has_value());

  testing::HeldTrailLock other(path);  // another process that does not let go
  ASSERT_TRUE(other.held());
  auto failed = append_and_wait(log, decision(2));
  EXPECT_FALSE(failed.has_value());
  EXPECT_FALSE(log.healthy());
  other.release();

  auto next = append_and_wait(log, decision(3));
  ASSERT_TRUE(next.has_value()) << next.error();
  EXPECT_EQ(*next, 2u) << "the failed record took no sequence number";
  EXPECT_TRUE(log.healthy());
  log.stop();
  EXPECT_FALSE(append_and_wait(log, decision(4)).has_value()) << "appended after stop";
  auto report = verify_chain(path);
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->intact());
  EXPECT_EQ(report->records, 2u);
}

TEST(AuditLog, ARecordThatCannotBeWrittenIsRefusedAndTheWriterGoesOn) {
  testing::TempDir dir;
  const auto path = dir.path() / "trail";
  auto store = LogStore::open({.directory = path});
  ASSERT_TRUE(store.has_value()) << store.error();
  AuditLog log(std::move(*store));
  EXPECT_TRUE(append_and_wait(log, decision(1)).has_value());
  for (auto spoil : std::vector<void (*)(AuditRecord&)>{
           [](AuditRecord& r) { r.foreign_operation = "00-\xff\xfe"; },
           [](AuditRecord& r) { r.fields[0].field = "bad\xc3\x28"; },
           [](AuditRecord& r) { r.details["k"] = "\xed\xa0\x80"; },  // a surrogate
       }) {
    AuditRecord bad = decision(2);
    spoil(bad);
    auto refused = append_and_wait(log, bad);
    ASSERT_FALSE(refused.has_value());
    EXPECT_NE(refused.error().find("UTF-8"), std::string::npos);
  }
  AuditRecord bad = decision(3);
  bad.case_ref = "\xc0\xaf";  // overlong
  EXPECT_FALSE(append_and_wait(log, bad).has_value());
  auto next = append_and_wait(log, decision(4));
  ASSERT_TRUE(next.has_value()) << next.error();
  EXPECT_EQ(*next, 2u);
  EXPECT_TRUE(log.healthy());
  log.stop();
  auto report = verify_chain(path);
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->intact());
  EXPECT_EQ(report->records, 2u);
}

}  // namespace
}  // namespace schakel::audit
