#include "audit/verify.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <future>

#include "audit/audit_log.hpp"
#include "audit/sqlite_store.hpp"
#include "tests/support/paths.hpp"

namespace schakel::audit {
namespace {

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteStore::open({path_});
    ASSERT_TRUE(store.has_value());
    std::vector<AuditRecord> records(6);
    for (std::size_t i = 0; i < records.size(); ++i) {
      records[i].kind = "decision";
      records[i].outcome = i % 2 ? "refused" : "allowed";
      records[i].transaction_id = "tx-" + std::to_string(i);
    }
    ASSERT_TRUE((*store)->append_batch(records).has_value());
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

TEST_F(VerifyTest, AMissingDatabaseIsAnError) {
  EXPECT_FALSE(verify_chain(dir_.path() / "nothing.db").has_value());
}

}  // namespace
}  // namespace schakel::audit
