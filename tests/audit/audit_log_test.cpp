#include "audit/audit_log.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <future>
#include <set>
#include <thread>

#include "audit/sqlite_store.hpp"
#include "audit/verify.hpp"
#include "tests/support/paths.hpp"

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
  const auto path = dir.path() / "audit.db";
  std::uint64_t batches = 0;
  std::set<std::uint64_t> sequences;
  {
    auto store = SqliteStore::open({path});
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

TEST(AuditLog, AFailedBatchWritesNothingAndTheChainContinuesAfterwards) {
  testing::TempDir dir;
  const auto path = dir.path() / "audit.db";
  auto store = SqliteStore::open({path, 50});
  ASSERT_TRUE(store.has_value());
  AuditLog log(std::move(*store));
  ASSERT_TRUE(append_and_wait(log, decision(1)).has_value());

  sqlite3* other = nullptr;
  sqlite3_open(path.c_str(), &other);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto failed = append_and_wait(log, decision(2));
  EXPECT_FALSE(failed.has_value());
  EXPECT_FALSE(log.healthy());
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);

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

TEST(AuditLog, DeferredRecordsRideAlongOrGoOnTheirOwnShortlyAfter) {
  testing::TempDir dir;
  auto store = SqliteStore::open({dir.path() / "audit.db"});
  ASSERT_TRUE(store.has_value());
  AuditLogOptions options;
  options.deferred_delay = std::chrono::hours(1);  // only an urgent batch can take it along
  AuditLog log(std::move(*store), options);
  std::promise<std::expected<std::uint64_t, std::string>> deferred;
  log.append_deferred(decision(1), [&](auto result) { deferred.set_value(std::move(result)); });
  auto urgent = append_and_wait(log, decision(2));
  ASSERT_TRUE(urgent.has_value());
  auto along = deferred.get_future().get();
  ASSERT_TRUE(along.has_value());
  EXPECT_EQ(log.batches_committed(), 1u) << "one commit for both";
  EXPECT_EQ(*along + 1, *urgent) << "the deferred record goes first";

  auto alone_store = SqliteStore::open({dir.path() / "alone.db"});
  AuditLog alone(std::move(*alone_store));  // default delay
  std::promise<std::expected<std::uint64_t, std::string>> alone_done;
  alone.append_deferred(decision(3), [&](auto result) { alone_done.set_value(std::move(result)); });
  auto committed = alone_done.get_future().get();
  ASSERT_TRUE(committed.has_value()) << "committed without any urgent record";
  EXPECT_EQ(*committed, 1u);
}

TEST(AuditLog, ARecordThatCannotBeWrittenIsRefusedAndTheWriterGoesOn) {
  testing::TempDir dir;
  const auto path = dir.path() / "audit.db";
  auto store = SqliteStore::open({path});
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
  std::promise<std::expected<std::uint64_t, std::string>> deferred;
  AuditRecord bad = decision(3);
  bad.case_ref = "\xc0\xaf";  // overlong
  log.append_deferred(bad, [&](auto result) { deferred.set_value(std::move(result)); });
  EXPECT_FALSE(deferred.get_future().get().has_value());
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
