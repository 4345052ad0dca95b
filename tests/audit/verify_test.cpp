#include "audit/verify.hpp"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sqlite3.h>

#include <future>

#include "audit/audit_log.hpp"
#include "audit/query.hpp"
#include "audit/sqlite_store.hpp"
#include "tests/support/paths.hpp"

namespace schakel::audit {
namespace {

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    crypto_sign_keypair(public_key_.data(), secret_key_.data());
    auto store = SqliteStore::open({path_});
    ASSERT_TRUE(store.has_value());
    append(**store, 6);
  }

  static void append(SqliteStore& store, std::size_t count) {
    std::vector<AuditRecord> records(count);
    for (std::size_t i = 0; i < records.size(); ++i) {
      records[i].kind = "decision";
      records[i].outcome = i % 2 ? "refused" : "allowed";
      records[i].transaction_id = "tx-" + std::to_string(i);
    }
    ASSERT_TRUE(store.append_batch(records).has_value());
  }

  // A signed checkpoint of the head, after `more` further records.
  void checkpoint_then_append(std::size_t more) {
    auto store = SqliteStore::open({path_});
    ASSERT_TRUE((*store)->write_checkpoint(ed25519_signer(secret_key_.data())).has_value());
    append(**store, more);
  }

  static void expect_broken(const VerifyReport& report, std::uint64_t sequence,
                            const std::string& phrase) {
    EXPECT_EQ(report.first_bad_sequence, sequence);
    EXPECT_NE(report.problem.find(phrase), std::string::npos) << report.problem;
  }

  VerifyReport verify_signed() {
    auto report = verify_chain(path_, public_key_);
    EXPECT_TRUE(report.has_value());
    return report.value_or(VerifyReport{});
  }

  void tamper(const char* sql) {
    sqlite3* db = nullptr;
    sqlite3_open(path_.c_str(), &db);
    char* error = nullptr;
    ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &error), SQLITE_OK) << error;
    sqlite3_close(db);
  }

  VerifyReport verify() {
    auto report = verify_chain(path_);
    EXPECT_TRUE(report.has_value());
    return report.value_or(VerifyReport{});
  }

  testing::TempDir dir_;
  std::filesystem::path path_ = dir_.path() / "audit.db";
  PublicKey public_key_{};
  std::array<std::uint8_t, 64> secret_key_{};
};

TEST_F(VerifyTest, AnUntouchedTrailVerifies) {
  auto report = verify();
  EXPECT_TRUE(report.intact());
  EXPECT_EQ(report.records, 6u);
}

TEST_F(VerifyTest, DetectsAnAlteredRecord) {
  tamper("UPDATE audit_record SET body = replace(body, 'refused', 'allowed') WHERE sequence = 4");
  EXPECT_EQ(verify().first_bad_sequence, 4u);
}

TEST_F(VerifyTest, DetectsAnAlteredRecordWithARecomputedHash) {
  // Rewriting one record and its own hash still breaks the next link.
  tamper("UPDATE audit_record SET hash = 'ff' WHERE sequence = 3");
  EXPECT_EQ(verify().first_bad_sequence, 3u);
}

TEST_F(VerifyTest, DetectsADeletedRecord) {
  tamper("DELETE FROM audit_record WHERE sequence = 2");
  EXPECT_EQ(verify().first_bad_sequence, 2u);
}

TEST_F(VerifyTest, DetectsAnInsertedRecord) {
  tamper("UPDATE audit_record SET sequence = sequence + 1000 WHERE sequence >= 5");
  tamper("UPDATE audit_record SET sequence = sequence - 999 WHERE sequence >= 1000");
  tamper(
      "INSERT INTO audit_record SELECT 5, kind, outcome, start_time, transaction_id, sender, "
      "recipient, purpose, subject_token, body, prev_hash, hash FROM audit_record WHERE sequence = "
      "2");
  EXPECT_EQ(verify().first_bad_sequence, 5u);
}

TEST_F(VerifyTest, DetectsReorderedRecords) {
  tamper("UPDATE audit_record SET sequence = 100 WHERE sequence = 2");
  tamper("UPDATE audit_record SET sequence = 2 WHERE sequence = 3");
  tamper("UPDATE audit_record SET sequence = 3 WHERE sequence = 100");
  EXPECT_EQ(verify().first_bad_sequence, 2u);
}

TEST_F(VerifyTest, SignedCheckpointsVerifyWithThePublicKey) {
  checkpoint_then_append(2);
  auto report = verify_signed();
  EXPECT_TRUE(report.intact()) << report.problem;
  EXPECT_EQ(report.checkpoints, 1u);
  EXPECT_TRUE(report.signatures_checked);
  EXPECT_EQ(report.records, 8u);
}

TEST_F(VerifyTest, DetectsATruncatedTailAgainstTheLastCheckpoint) {
  checkpoint_then_append(0);
  // Dropping the newest records leaves a chain that is consistent by itself.
  tamper("DELETE FROM audit_record WHERE sequence >= 5");
  expect_broken(verify_signed(), 5, "truncated");
}

TEST_F(VerifyTest, DetectsAForgedCheckpoint) {
  checkpoint_then_append(0);
  tamper("UPDATE audit_checkpoint SET sequence = 9");
  expect_broken(verify_signed(), 9, "no valid signature");
}

TEST_F(VerifyTest, DetectsARecordThatDiffersFromItsCheckpoint) {
  checkpoint_then_append(1);
  tamper("UPDATE audit_checkpoint SET head_hash = 'aa'");
  // Without the key the forged checkpoint is still compared with the chain.
  EXPECT_EQ(verify().first_bad_sequence, 6u);
}

TEST_F(VerifyTest, APrunedTrailVerifiesFromItsSignedCut) {
  auto store = SqliteStore::open({path_});
  ASSERT_TRUE((*store)->prune_through(3, ed25519_signer(secret_key_.data())).has_value());
  append(**store, 1);
  auto report = verify_signed();
  EXPECT_TRUE(report.intact()) << report.problem;
  EXPECT_EQ(report.first_sequence, 4u);
  EXPECT_EQ(report.records, 4u);
  tamper("DELETE FROM audit_record WHERE sequence = 4");
  expect_broken(verify_signed(), 5, "without a signed checkpoint at 4");
}

TEST_F(VerifyTest, ReportsProgressOnALongTrail) {
  std::vector<std::uint64_t> seen;
  auto report = verify_chain(
      path_, std::nullopt, [&](std::uint64_t records) { seen.push_back(records); }, 2);
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{2, 4, 6}));
}

TEST_F(VerifyTest, DetectsEveryIndexedColumnThatDiffersFromItsRecord) {
  for (const char* column : {"kind", "outcome", "start_time", "transaction_id", "sender",
                             "recipient", "purpose", "subject_token"}) {
    tamper((std::string("UPDATE audit_record SET ") + column + " = " + column +
            " || 'x' WHERE sequence = 3")
               .c_str());
    expect_broken(verify(), 3, std::string("stored column ") + column);
    tamper((std::string("UPDATE audit_record SET ") + column + " = substr(" + column + ", 1, length(" +
            column + ") - 1) WHERE sequence = 3")
               .c_str());
    EXPECT_TRUE(verify().intact()) << column;
  }
}

TEST_F(VerifyTest, QueriesAndPruneRefuseAnAlteredTrail) {
  QueryFilter filter;
  filter.outcome = "refused";
  auto before = query_records(path_, filter);
  ASSERT_TRUE(before.has_value()) << before.error();
  EXPECT_EQ(before->size(), 3u);
  // Hiding records from an officer's query by changing the indexed column only.
  tamper("UPDATE audit_record SET outcome = 'allowed' WHERE outcome = 'refused'");
  auto after = query_records(path_, filter);
  ASSERT_FALSE(after.has_value());
  EXPECT_NE(after.error().find("not intact at sequence 2"), std::string::npos) << after.error();
  EXPECT_FALSE(plan_prune(path_, "2999-01-01", [](const std::string&) { return 1; }).has_value());
}

TEST_F(VerifyTest, AMissingDatabaseIsAnError) {
  EXPECT_FALSE(verify_chain(dir_.path() / "nothing.db").has_value());
}

}  // namespace
}  // namespace schakel::audit
