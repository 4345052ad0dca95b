// The region's shared SQLite file and its record outbox (issue 14): a change
// and its held records commit together or not at all; a store's own
// transaction inside a change is a savepoint (its failure undoes only its
// part); a held record holds the notifications that name it until settled;
// what the trail refused, and everything held across a restart, comes back
// for replay; a file of schema version 0 is upgraded, a later one refused.
#include "region/sqlite_record_outbox.hpp"

#include <gtest/gtest.h>

#include <ctime>

#include "region/claim.hpp"
#include "region/sqlite_case_store.hpp"
#include "region/sqlite_signal_store.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/region_database.hpp"

namespace schakel::region {
namespace {

using std::chrono::seconds;

Case a_case(const std::string& id) {
  Case value;
  value.id = id;
  value.purpose = "zvh-case-consultation";
  value.subject_index = "index";
  value.director_oin = "00000001005678901000";
  value.level = 2;
  value.opened_on = "2026-11-26";
  value.levels.push_back({2, "", "2026-11-26", value.director_oin});
  return value;
}

std::int64_t now() {
  return static_cast<std::int64_t>(std::time(nullptr));
}

Notification owed_to(const std::string& oin, const std::string& held_by) {
  return {0, oin, "case", "{}", "index", "case-1", 0, 0, held_by};
}

class RecordOutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = testing::open_test_region(dir_.path());
    ASSERT_TRUE(opened.has_value()) << opened.error();
    shared_ = *opened;
    cases_ = std::make_unique<SqliteCaseStore>(shared_);
    signals_ = std::make_unique<SqliteSignalStore>(shared_);
    outbox_ = std::make_unique<SqliteRecordOutbox>(shared_);
  }

  // Notifications due at `at` (each returned one is claimed: claim.hpp).
  std::size_t due(std::int64_t at = 0) {
    return signals_->due_notifications(at, 100).value().size();
  }

  testing::TempDir dir_;
  std::shared_ptr<SharedDatabase> shared_;
  std::unique_ptr<SqliteCaseStore> cases_;
  std::unique_ptr<SqliteSignalStore> signals_;
  std::unique_ptr<SqliteRecordOutbox> outbox_;
};

TEST_F(RecordOutboxTest, ARefusedChangeLeavesNeitherItsWritesNorARecord) {
  auto kept = outbox_->in_change([&]() -> std::optional<std::vector<HeldRecord>> {
    EXPECT_TRUE(cases_->create(a_case("case-1")).has_value());
    EXPECT_TRUE(signals_->owe({owed_to("oin", "tx-1")}).has_value());
    return std::nullopt;
  });
  ASSERT_TRUE(kept.has_value()) << kept.error();
  EXPECT_FALSE(*kept);
  EXPECT_FALSE(cases_->load("case-1").value().has_value()) << "the refused change stayed";
  ASSERT_TRUE(outbox_->after_restart().has_value());
  EXPECT_TRUE(outbox_->to_replay(now(), 10).value().empty());
  EXPECT_TRUE(outbox_->settle("tx-1").has_value());
  EXPECT_EQ(due(), 0u) << "its notification stayed";
}

TEST_F(RecordOutboxTest, AHeldRecordHoldsItsNotificationsUntilSettled) {
  auto kept = outbox_->in_change([&]() -> std::optional<std::vector<HeldRecord>> {
    if (!cases_->create(a_case("case-1")) ||
        !signals_->owe({owed_to("a", "tx-1"), owed_to("b", "tx-1"), owed_to("c", "tx-2")})) {
      return std::nullopt;
    }
    return std::vector<HeldRecord>{{"tx-1", "{\"kind\":\"case\"}"}, {"tx-2", "{}"}};
  });
  ASSERT_TRUE(kept.has_value()) << kept.error();
  ASSERT_TRUE(*kept);
  EXPECT_TRUE(cases_->load("case-1").value().has_value());
  EXPECT_EQ(due(), 0u) << "nothing is due before its record is settled";
  EXPECT_TRUE(outbox_->to_replay(now(), 10).value().empty()) << "a request is appending them now";
  ASSERT_TRUE(outbox_->settle("tx-1").has_value());
  EXPECT_EQ(due(), 2u);
  EXPECT_EQ(due(), 0u) << "claimed by the one who took them";
  ASSERT_TRUE(outbox_->retry_later({"tx-2"}).has_value());
  auto replay = outbox_->to_replay(now(), 10).value();
  ASSERT_EQ(replay.size(), 1u);
  EXPECT_EQ(replay[0].hold_key, "tx-2");
  EXPECT_FALSE(replay[0].after_restart);
  EXPECT_TRUE(outbox_->to_replay(now(), 10).value().empty()) << "claimed by its replay";
  ASSERT_TRUE(outbox_->settle("tx-2").has_value());
  EXPECT_EQ(due(), 1u) << "the one tx-2 held";
  EXPECT_EQ(due(kClaimSeconds), 3u) << "a claim nobody ended expires";
  EXPECT_TRUE(
      outbox_->to_replay(now() + kReplayAfterSeconds + kClaimSeconds + 1, 10).value().empty());
}

TEST_F(RecordOutboxTest, EverythingHeldAcrossARestartIsReplayedAndMarked) {
  ASSERT_TRUE(outbox_->in_change([] {
    return std::optional<std::vector<HeldRecord>>{{{"tx-1", "{}"}, {"tx-2", "{}"}}};
  }));
  outbox_.reset();
  cases_.reset();
  signals_.reset();
  shared_.reset();
  SetUp();  // the next start, on the same file
  ASSERT_TRUE(outbox_->after_restart().has_value());
  if (testing::region_tests_on_postgresql()) {
    // Shared by live instances: a start marks nothing; the replay rule takes them.
    EXPECT_TRUE(outbox_->to_replay(now(), 1).value().empty());
    auto replay = outbox_->to_replay(now() + kReplayAfterSeconds + 1, 1).value();
    ASSERT_EQ(replay.size(), 1u) << "at most the limit, oldest first";
    EXPECT_EQ(replay[0].hold_key, "tx-1");
    return;
  }
  auto replay = outbox_->to_replay(now(), 1).value();
  ASSERT_EQ(replay.size(), 1u) << "at most the limit, oldest first";
  EXPECT_EQ(replay[0].hold_key, "tx-1");
  EXPECT_TRUE(replay[0].after_restart);
}

TEST_F(RecordOutboxTest, ARecordNobodySettledIsReplayedLaterAnUnreadableOneNever) {
  ASSERT_TRUE(outbox_->in_change([] {
    return std::optional<std::vector<HeldRecord>>{{{"tx-1", "{}"}, {"tx-2", "not json"}}};
  }));
  EXPECT_TRUE(outbox_->to_replay(now(), 10).value().empty()) << "its request may settle it yet";
  const auto later = now() + kReplayAfterSeconds + 1;
  ASSERT_EQ(outbox_->to_replay(later, 10).value().size(), 2u);
  ASSERT_TRUE(outbox_->quarantine("tx-2").has_value());
  EXPECT_TRUE(outbox_->to_replay(later, 10).value().empty()) << "claimed by the first replay";
  const auto unclaimed = later + kClaimSeconds + 1;
  auto replay = outbox_->to_replay(unclaimed, 10).value();
  ASSERT_EQ(replay.size(), 1u);
  EXPECT_EQ(replay[0].hold_key, "tx-1");
  ASSERT_TRUE(outbox_->after_restart().has_value());
  const auto next = testing::region_tests_on_postgresql() ? unclaimed + kClaimSeconds + 1 : now();
  EXPECT_EQ(outbox_->to_replay(next, 10).value().size(), 1u) << "set aside for good";
  EXPECT_TRUE(outbox_->holds("tx-2").value()) << "kept for an operator";
}

TEST_F(RecordOutboxTest, AChangesAnswerIsRememberedOnceAndForgottenAfterADay) {
  const RememberedAnswer answer{"tx-1", "oin", "POST /v1/cases", 201, "{\"case\":\"x\"}", 1000};
  ASSERT_TRUE(outbox_->remember(answer).has_value());
  EXPECT_FALSE(outbox_->remember(answer).has_value()) << "one answer per transaction id";
  auto recalled = outbox_->recall("tx-1");
  ASSERT_TRUE(recalled.has_value() && recalled->has_value());
  EXPECT_EQ((*recalled)->status, 201);
  EXPECT_EQ((*recalled)->body, answer.body);
  EXPECT_EQ(outbox_->forget_answers(1000).value(), 0);
  EXPECT_EQ(outbox_->forget_answers(1001).value(), 1);
  EXPECT_FALSE(outbox_->recall("tx-1").value().has_value());
}

TEST_F(RecordOutboxTest, AStoresFailingStepInsideAChangeUndoesOnlyItself) {
  ASSERT_TRUE(cases_->create(a_case("case-1")).has_value());
  auto kept = outbox_->in_change([&]() -> std::optional<std::vector<HeldRecord>> {
    EXPECT_TRUE(cases_->create(a_case("case-2")).has_value());
    auto failed = shared_->db.in_write_transaction([&]() -> std::expected<void, std::string> {
      if (auto done = shared_->db.execute("UPDATE cases SET document = '{}' WHERE id = 'case-1'");
          !done) {
        return done;
      }
      return std::unexpected(std::string("the inner step fails"));
    });
    EXPECT_FALSE(failed.has_value());
    return std::vector<HeldRecord>{{"tx-1", "{}"}};
  });
  ASSERT_TRUE(kept.has_value() && *kept);
  EXPECT_TRUE(cases_->load("case-2").value().has_value()) << "the outer change committed";
  auto first = cases_->load("case-1");
  ASSERT_TRUE(first.has_value()) << first.error() << ": the inner step was not undone";
  EXPECT_TRUE(first->has_value());
}

TEST(RegionSchema, AFileOfVersionZeroWithAnUnrecordedMatchIsRefused) {
  testing::TempDir dir;
  const auto file = dir.path() / "region.sqlite";
  {
    auto old = Database::open(file, seconds(2));
    ASSERT_TRUE(old.has_value());
    ASSERT_TRUE(old->execute(
        "CREATE TABLE matches (id TEXT PRIMARY KEY, signal_a TEXT NOT NULL, signal_b TEXT NOT "
        "NULL, matched_on TEXT NOT NULL, audited INTEGER NOT NULL DEFAULT 0);"
        "INSERT INTO matches (id, signal_a, signal_b, matched_on) VALUES ('m', 'a', 'b', 'd');"));
  }
  auto refused = open_region_database(file, seconds(2));
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().find("1 match(es) whose audit record"), std::string::npos)
      << refused.error();
}

TEST(RegionSchema, AFileOfVersionZeroIsUpgradedALaterOneRefused) {
  testing::TempDir dir;
  const auto file = dir.path() / "region.sqlite";
  {
    auto old = Database::open(file, seconds(2));
    ASSERT_TRUE(old.has_value());
    ASSERT_TRUE(old->execute(
        "CREATE TABLE signals (id TEXT PRIMARY KEY, partner_oin TEXT NOT NULL, purpose TEXT NOT "
        "NULL, subject_index TEXT NOT NULL, contact TEXT NOT NULL, registered_on TEXT NOT NULL, "
        "active_until TEXT NOT NULL, withdrawn_on TEXT);"
        "CREATE TABLE matches (id TEXT PRIMARY KEY, signal_a TEXT NOT NULL, signal_b TEXT NOT "
        "NULL, matched_on TEXT NOT NULL, audited INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE notifications (id INTEGER PRIMARY KEY AUTOINCREMENT, recipient_oin TEXT NOT "
        "NULL, kind TEXT NOT NULL, body TEXT NOT NULL, subject_index TEXT NOT NULL, reference "
        "TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, due_unix INTEGER NOT NULL DEFAULT "
        "0);"
        "INSERT INTO notifications (recipient_oin, kind, body, subject_index, reference) VALUES "
        "('a', 'case', '{}', 'index', 'case-1');"));
  }
  {
    auto upgraded = open_region_database(file, seconds(2));
    ASSERT_TRUE(upgraded.has_value()) << upgraded.error();
    SqliteSignalStore store(*upgraded);
    auto due = store.due_notifications(0, 10);
    ASSERT_TRUE(due.has_value()) << due.error();
    EXPECT_EQ(due->size(), 1u) << "what was owed before is owed still";
    ASSERT_TRUE((*upgraded)->db.execute("PRAGMA user_version = 7"));
  }
  auto later = open_region_database(file, seconds(2));
  ASSERT_FALSE(later.has_value());
  EXPECT_NE(later.error().find("later Schakel"), std::string::npos) << later.error();
}

}  // namespace
}  // namespace schakel::region
