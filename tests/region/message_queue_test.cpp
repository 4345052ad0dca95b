// The queue of messages for asynchronous delivery and handovers (issue 15)
// on the region's SQLite file: one row per transaction id; due, retried,
// delivered (a plain message done, a handover waiting for its answer),
// answered once, escalated once when overdue, expired; the sealed message
// forgotten at each end, and nothing but sealed bytes in the file.
#include "region/sqlite_message_queue.hpp"

#include "region/claim.hpp"

#include <gtest/gtest.h>

#include "tests/support/paths.hpp"
#include "tests/support/region_database.hpp"

namespace schakel::region {
namespace {

QueuedMessage message(const std::string& id, bool handover, std::int64_t now) {
  QueuedMessage out;
  out.transaction_id = id;
  out.sender_oin = "00000001002345678000";
  out.recipient_oin = "00000003003456789000";
  out.purpose = "aftercare-after-detention";
  out.subject_token = "token";
  out.decision_sequence = 7;
  out.handover = handover;
  out.sealed = {0xde, 0xad, 0xbe, 0xef};
  out.queued_unix = out.due_unix = now;
  out.expires_unix = now + 1000;
  return out;
}

class MessageQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = testing::open_test_region(dir_.path());
    ASSERT_TRUE(opened.has_value()) << opened.error();
    shared_ = *opened;
    queue_ = std::make_unique<SqliteMessageQueue>(shared_);
  }
  QueuedMessage stored(const std::string& id) { return queue_->find(id).value().value(); }

  testing::TempDir dir_;
  std::shared_ptr<SharedDatabase> shared_;
  std::unique_ptr<SqliteMessageQueue> queue_;
};

TEST_F(MessageQueueTest, APlainMessageIsRetriedUntilDeliveredThenForgotten) {
  ASSERT_TRUE(queue_->enqueue(message("tx-1", false, 100)).value());
  EXPECT_FALSE(queue_->enqueue(message("tx-1", false, 100)).value()) << "one row per id";
  ASSERT_EQ(queue_->due(100, 10).value().size(), 1u);
  ASSERT_TRUE(queue_->retry_at("tx-1", 102).has_value());
  EXPECT_TRUE(queue_->due(101, 10).value().empty()) << "not before its backoff";
  ASSERT_EQ(queue_->due(102, 10).value().size(), 1u);
  ASSERT_TRUE(queue_->delivered("tx-1", 102, 0).has_value());
  const auto done = stored("tx-1");
  EXPECT_EQ(done.status, "delivered");
  EXPECT_EQ(done.attempts, 2);
  EXPECT_TRUE(done.sealed.empty()) << "forgotten once delivered";
  EXPECT_TRUE(queue_->due(200, 10).value().empty());
  EXPECT_FALSE(queue_->answer("tx-1", true, 103).value()) << "a plain message takes no answer";
}

// Claims (claim.hpp): a message taken is nobody else's until its outcome or
// the claim's end; the embedded store's next start releases what a dead
// process held, PostgreSQL's does not (live instances share it).
TEST_F(MessageQueueTest, AMessageTakenIsClaimedUntilItsOutcomeOrARestart) {
  ASSERT_TRUE(queue_->enqueue(message("tx-1", false, 100)).value());
  ASSERT_EQ(queue_->due(100, 10).value().size(), 1u);
  EXPECT_TRUE(queue_->due(100 + kClaimSeconds - 1, 10).value().empty()) << "claimed";
  ASSERT_TRUE(release_claims(*shared_, 120).has_value());
  const auto after_start = queue_->due(120, 10).value().size();
  if (testing::region_tests_on_postgresql()) {
    EXPECT_EQ(after_start, 0u) << "another instance's claim released";
    EXPECT_EQ(queue_->due(100 + kClaimSeconds, 10).value().size(), 1u) << "the claim expires";
  } else {
    EXPECT_EQ(after_start, 1u) << "the dead process's claim held at the next start";
  }
}

TEST_F(MessageQueueTest, SeveralAreQueuedInOneTransactionEachToldWhetherItWas) {
  ASSERT_TRUE(queue_->enqueue(message("tx-1", false, 100)).value());
  const auto again = message("tx-1", false, 100);
  const auto fresh = message("tx-2", true, 100);
  auto added = queue_->enqueue_all({&again, &fresh});
  ASSERT_TRUE(added.has_value()) << added.error();
  EXPECT_EQ(*added, (std::vector<bool>{false, true}));
  EXPECT_EQ(queue_->due(100, 10).value().size(), 2u);
}

TEST_F(MessageQueueTest, AHandoverWaitsForOneAnswerAndIsEscalatedOnceWhenLate) {
  ASSERT_TRUE(queue_->enqueue(message("tx-1", true, 100)).value());
  EXPECT_FALSE(queue_->answer("tx-1", true, 101).value()) << "not delivered yet";
  ASSERT_TRUE(queue_->delivered("tx-1", 101, 150).has_value());
  EXPECT_EQ(queue_->open_handovers().value().size(), 1u);
  EXPECT_TRUE(queue_->overdue(149).value().empty());
  ASSERT_EQ(queue_->overdue(150).value().size(), 1u);
  EXPECT_TRUE(queue_->overdue(151).value().empty()) << "escalated once";
  EXPECT_TRUE(queue_->answer("tx-1", false, 160).value());
  EXPECT_FALSE(queue_->answer("tx-1", true, 161).value()) << "answered once";
  EXPECT_EQ(stored("tx-1").status, "declined");
  EXPECT_TRUE(queue_->open_handovers().value().empty());
}

TEST_F(MessageQueueTest, WhatIsNotDeliveredOrAnsweredInTimeExpiresAndIsForgotten) {
  ASSERT_TRUE(queue_->enqueue(message("tx-1", false, 100)).value());
  ASSERT_TRUE(queue_->enqueue(message("tx-2", true, 100)).value());
  ASSERT_TRUE(queue_->enqueue(message("tx-3", true, 100)).value());
  ASSERT_TRUE(queue_->delivered("tx-2", 101, 500).has_value());
  ASSERT_TRUE(queue_->delivered("tx-3", 101, 500).has_value());
  ASSERT_TRUE(queue_->answer("tx-3", true, 102).value());
  EXPECT_TRUE(queue_->expire(1099).value().empty());
  const auto expired = queue_->expire(1100).value();
  ASSERT_EQ(expired.size(), 2u) << "the undelivered one and the unanswered handover";
  EXPECT_EQ(stored("tx-1").status, "expired");
  EXPECT_TRUE(stored("tx-1").sealed.empty());
  EXPECT_EQ(stored("tx-2").status, "expired");
  EXPECT_EQ(stored("tx-3").status, "accepted") << "an answered handover stays answered";
  EXPECT_TRUE(queue_->due(1200, 10).value().empty());
}

TEST_F(MessageQueueTest, RowsThatEndedArePrunedAfterTheirRetentionOpenOnesNever) {
  ASSERT_TRUE(queue_->enqueue(message("plain", false, 100)).value());
  ASSERT_TRUE(queue_->enqueue(message("answered", true, 100)).value());
  ASSERT_TRUE(queue_->enqueue(message("waiting", true, 100)).value());
  ASSERT_TRUE(queue_->enqueue(message("queued", false, 100)).value());
  ASSERT_TRUE(queue_->delivered("plain", 110, 0).has_value());
  ASSERT_TRUE(queue_->delivered("answered", 110, 500).has_value());
  ASSERT_TRUE(queue_->delivered("waiting", 110, 500).has_value());
  ASSERT_TRUE(queue_->answer("answered", false, 120).value());
  EXPECT_EQ(queue_->forget_ended("aftercare-after-detention", 120).value(), 1)
      << "the plain message delivered at 110; the answer came at 120, not before";
  EXPECT_EQ(queue_->forget_ended("another-purpose", 10'000).value(), 0);
  EXPECT_EQ(queue_->forget_ended("aftercare-after-detention", 10'000).value(), 1);
  EXPECT_FALSE(queue_->find("answered").value().has_value());
  EXPECT_TRUE(queue_->find("waiting").value().has_value()) << "a handover still open stays";
  EXPECT_TRUE(queue_->find("queued").value().has_value()) << "so does an undelivered message";
}

}  // namespace
}  // namespace schakel::region
