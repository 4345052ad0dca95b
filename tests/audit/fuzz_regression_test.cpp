// Regressions found by tests/fuzz/audit_verify_fuzz (their inputs are in
// tests/fuzz/corpus/audit_verify/):
//  - an indexed column stored as a BLOB, or with bytes after a NUL, reads the
//    same through sqlite3_column_text as a C string, so verify called the
//    trail intact — while SQL compares the whole value and `audit query
//    --bsn` no longer finds the record;
//  - a rehashed body whose "sequence" (or "prev_hash") has another JSON type
//    made verify throw instead of report.
// Fixed: columns are read whole and must be TEXT; the body's sequence and
// prev_hash are type-checked before they are compared.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "audit/query.hpp"
#include "audit/record.hpp"
#include "audit/sqlite_store.hpp"
#include "audit/sqlite_util.hpp"
#include "audit/sqlite_util.hpp"
#include "audit/verify.hpp"
#include "tests/support/paths.hpp"

namespace schakel::audit {
namespace {

constexpr const char* kToken = "t1.2026-11.lQiKEijMsiMbke0iA5JkLg";

class AuditFuzzRegression : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteStore::open({path_});
    ASSERT_TRUE(store.has_value());
    std::vector<AuditRecord> records(4);
    for (auto& record : records) {
      record.kind = "decision";
      record.outcome = "allowed";
      record.subject_token = kToken;
    }
    ASSERT_TRUE((*store)->append_batch(records).has_value());
  }

  // Sets one column of one record to `value`, bound as TEXT or as a BLOB.
  void store_value(const char* column, std::uint64_t sequence, std::string_view value, bool blob) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    const std::string sql = std::string("UPDATE audit_record SET ") + column +
                            " = ?1 WHERE sequence = " + std::to_string(sequence);
    sqlite3_stmt* statement = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr), SQLITE_OK);
    const int size = static_cast<int>(value.size());
    if (blob) {
      sqlite3_bind_blob(statement, 1, value.data(), size, SQLITE_TRANSIENT);
    } else {
      sqlite3_bind_text(statement, 1, value.data(), size, SQLITE_TRANSIENT);
    }
    EXPECT_EQ(sqlite3_step(statement), SQLITE_DONE);
    sqlite3_finalize(statement);
    sqlite3_close(db);
  }

  std::string stored(const char* column, std::uint64_t sequence) {
    auto db = ReadOnlyDatabase::open(path_);
    EXPECT_TRUE(db.has_value());
    sqlite3_stmt* statement = nullptr;
    const std::string sql = std::string("SELECT ") + column +
                            " FROM audit_record WHERE sequence = " + std::to_string(sequence);
    sqlite3_prepare_v2(db->get(), sql.c_str(), -1, &statement, nullptr);
    sqlite3_step(statement);
    std::string value(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
    sqlite3_finalize(statement);
    return value;
  }

  void expect_refused() {
    auto report = verify_chain(path_);
    ASSERT_TRUE(report.has_value());
    EXPECT_FALSE(report->intact());
    QueryFilter filter;
    filter.subject_tokens = std::vector<std::string>{kToken};
    EXPECT_FALSE(query_records(path_, filter).has_value());
  }

  testing::TempDir dir_;
  std::filesystem::path path_ = dir_.path() / "audit.db";
};

TEST_F(AuditFuzzRegression, ASubjectTokenStoredAsABlobIsAChange) {
  store_value("subject_token", 3, kToken, /*blob=*/true);
  expect_refused();
}

TEST_F(AuditFuzzRegression, BytesAfterANulInAColumnAreAChange) {
  store_value("subject_token", 3, std::string(kToken) + std::string("\0x", 2), /*blob=*/false);
  expect_refused();
}

TEST_F(AuditFuzzRegression, ABodyWithASequenceOfAnotherTypeIsReportedNotThrown) {
  std::string body = stored("body", 4);
  const auto at = body.find("\"sequence\":4");
  ASSERT_NE(at, std::string::npos) << body;
  body.replace(at, 12, "\"sequence\":\"4\"");
  store_value("body", 4, body, false);
  store_value("hash", 4, chain_hash(stored("prev_hash", 4), body), false);
  EXPECT_NO_THROW(expect_refused());
}

}  // namespace
}  // namespace schakel::audit
