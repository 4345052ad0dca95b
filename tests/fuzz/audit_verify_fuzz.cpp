// Fuzz target: audit records read back by audit/verify.hpp verify_chain and
// audit/query.hpp query_records / plan_prune, on a copy of a small trail (4
// records, a signed checkpoint at the head) with one stored value replaced.
// Input: byte 0 the record (1..4), byte 1 the column, byte 2 the mode, then
// the new value. Columns: body, prev_hash, hash, the 8 indexed columns, and
// the checkpoint's head_hash, time, signature. Modes (bits):
//   1  store the value as a BLOB instead of TEXT;
//   2  a tamperer who knows the format: the last record's body is replaced
//      ("@prev@" in it becomes the previous record's hash), its hash
//      recomputed and its indexed columns copied from the new body.
// Never throws or crashes. A stored value changed in mode 0/1 leaves the
// trail not intact and the query refused: no column escapes the chain, and
// an indexed column that reads the same but compares differently in SQL
// (BLOB, bytes after a NUL) is a change. In mode 2 the signed checkpoint
// still tells (with the public key).
#include <sodium.h>
#include <sqlite3.h>

#include <array>
#include <fstream>
#include <iterator>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/checkpoint.hpp"
#include "audit/query.hpp"
#include "audit/record.hpp"
#include "audit/sqlite_store.hpp"
#include "audit/verify.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace schakel::audit;  // NOLINT(google-build-using-namespace)
using schakel::fuzz::require;
using schakel::fuzz::violated;

constexpr std::size_t kRecords = 4;
constexpr std::array<const char*, 14> kColumns{
    "body",      "prev_hash", "hash",    "kind",      "outcome", "start_time", "transaction_id",
    "sender",    "recipient", "purpose", "subject_token", "head_hash", "time", "signature"};
constexpr std::size_t kFirstCheckpointColumn = 11;
constexpr const char* kToken = "t1.2026-11.lQiKEijMsiMbke0iA5JkLg";

struct Trail {
  schakel::fuzz::ScratchDir scratch;
  std::filesystem::path work = scratch.path() / "audit.db";
  std::vector<char> pristine;  // the database file, journal_mode=DELETE: one file
  PublicKey public_key{};

  Trail() {
    std::array<std::uint8_t, 64> secret_key{};
    crypto_sign_keypair(public_key.data(), secret_key.data());
    const auto path = scratch.path() / "pristine.db";
    {
      auto store = SqliteStore::open({path});
      if (!store) violated("cannot create the audit database");
      std::vector<AuditRecord> records(kRecords);
      for (std::size_t i = 0; i < records.size(); ++i) {
        auto& record = records[i];
        record.kind = i % 2 ? "delivery" : "decision";
        record.outcome = i % 2 ? "delivered" : "allowed";
        record.start_time = "2026-11-0" + std::to_string(i + 1) + "T10:00:00.000Z";
        record.transaction_id = "0190c5a4-0000-7000-8000-00000000000" + std::to_string(i);
        record.sender = "00000001001234567000";
        record.recipient = "00000001002345678000";
        record.purpose = "e33-confused-behaviour";
        record.subject_token = kToken;
      }
      if (!(*store)->append_batch(records)) violated("cannot append the audit records");
      if (!(*store)->write_checkpoint(ed25519_signer(secret_key.data()))) {
        violated("cannot write the checkpoint");
      }
    }
    exec_on(path, "PRAGMA journal_mode=DELETE");
    std::ifstream in(path, std::ios::binary);
    pristine.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    restore();
    const auto report = verify_chain(work, public_key);
    require(report && report->intact() && report->records == kRecords,
            "the pristine trail does not verify");
  }

  static void exec_on(const std::filesystem::path& path, const char* sql) {
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK ||
        sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      violated("cannot prepare the audit database copy");
    }
    sqlite3_close(db);
  }

  void restore() const {
    std::ofstream out(work, std::ios::binary | std::ios::trunc);
    out.write(pristine.data(), static_cast<std::streamsize>(pristine.size()));
  }
};

// One open read-write connection to the work copy, closed on destruction.
class Connection {
 public:
  explicit Connection(const std::filesystem::path& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) violated("cannot open the work copy");
    sqlite3_exec(db_, "PRAGMA synchronous=OFF", nullptr, nullptr, nullptr);
  }
  ~Connection() { sqlite3_close(db_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The stored bytes and type of one value.
  std::pair<std::string, int> read(const std::string& table, const std::string& column,
                                   std::uint64_t sequence) {
    const std::string sql = "SELECT " + column + ", typeof(" + column + ") FROM " + table +
                            " WHERE sequence = " + std::to_string(sequence);
    sqlite3_stmt* statement = nullptr;
    std::pair<std::string, int> value{"", SQLITE_NULL};
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      const auto* bytes = static_cast<const char*>(sqlite3_column_blob(statement, 0));
      value = {std::string(bytes ? bytes : "", static_cast<std::size_t>(sqlite3_column_bytes(statement, 0))),
               sqlite3_column_type(statement, 0)};
    }
    sqlite3_finalize(statement);
    return value;
  }

  void write(const std::string& table, const std::string& column, std::uint64_t sequence,
             std::string_view value, bool blob) {
    const std::string sql =
        "UPDATE " + table + " SET " + column + " = ?1 WHERE sequence = " + std::to_string(sequence);
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
      violated("cannot prepare the update");
    }
    const int size = static_cast<int>(value.size());
    if (blob) {
      sqlite3_bind_blob(statement, 1, value.data(), size, SQLITE_TRANSIENT);
    } else {
      sqlite3_bind_text(statement, 1, value.data(), size, SQLITE_TRANSIENT);
    }
    if (sqlite3_step(statement) != SQLITE_DONE) violated("cannot update the work copy");
    sqlite3_finalize(statement);
  }

 private:
  sqlite3* db_ = nullptr;
};

// The indexed columns are compared in SQL (query filters): there a BLOB or a
// trailing NUL is a different value even when the bytes read the same.
bool is_indexed(std::size_t column_index) {
  return column_index >= 3 && column_index < kFirstCheckpointColumn;
}

// Elsewhere a value is what reads back as text: up to a first NUL. A
// signature is hex of bytes, read in either case.
std::string read_back(std::string_view text, std::string_view column) {
  std::string value(text.substr(0, text.find('\0')));
  if (column == "signature") {
    for (char& c : value) {
      if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return value;
}

// A tamperer's rewrite of the last record: new body, its hash, its columns.
// "@prev@" in the input stands for the previous record's hash (which a
// tamperer reads; the fuzzer could never guess it).
std::string rewrite_last(Connection& db, std::string_view input) {
  const auto prev_hash = db.read("audit_record", "prev_hash", kRecords).first;
  std::string body(input);
  for (auto at = body.find("@prev@"); at != std::string::npos; at = body.find("@prev@", at)) {
    body.replace(at, 6, prev_hash);
    at += prev_hash.size();
  }
  db.write("audit_record", "body", kRecords, body, false);
  db.write("audit_record", "hash", kRecords, chain_hash(prev_hash, body), false);
  const auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (!parsed.is_object()) return body;
  for (std::size_t i = 3; i < kFirstCheckpointColumn; ++i) {
    const std::string column = kColumns[i];
    const nlohmann::json* value = nullptr;
    if (column == "subject_token") {
      const auto attributes = parsed.find("attributes");
      if (attributes != parsed.end() && attributes->is_object()) {
        const auto token = attributes->find("dpl.core.data_subject_id");
        if (token != attributes->end()) value = &*token;
      }
    } else if (const auto member = parsed.find(column); member != parsed.end()) {
      value = &*member;
    }
    if (value && value->is_string()) {
      db.write("audit_record", column, kRecords, value->get_ref<const std::string&>(), false);
    }
  }
  return body;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Trail trail;
  if (size < 3) return -1;  // not a useful input: keep it out of the corpus
  const std::uint64_t sequence = data[0] % kRecords + 1;
  const std::size_t column_index = data[1] % kColumns.size();
  const bool blob = (data[2] & 1) != 0;
  const bool rewrite = (data[2] & 2) != 0;
  const auto value = schakel::fuzz::text_of(data + 3, size - 3);
  const bool in_checkpoint = column_index >= kFirstCheckpointColumn;
  const std::string table = in_checkpoint ? "audit_checkpoint" : "audit_record";
  const std::uint64_t row = in_checkpoint ? kRecords : sequence;  // the one checkpoint
  const std::string column = kColumns[column_index];

  trail.restore();
  bool changed = false;
  {
    Connection db(trail.work);
    if (rewrite) {
      const auto before = db.read("audit_record", "body", kRecords);
      changed = before.first != rewrite_last(db, value);
    } else {
      const auto before = db.read(table, column, row);
      db.write(table, column, row, value, blob);
      changed = is_indexed(column_index)
                    ? before.first != value || before.second != (blob ? SQLITE_BLOB : SQLITE_TEXT)
                    : read_back(before.first, column) != read_back(value, column);
    }
  }

  const auto plain = verify_chain(trail.work);
  const auto keyed = verify_chain(trail.work, trail.public_key);
  QueryFilter by_subject;
  by_subject.subject_tokens = std::vector<std::string>{kToken};
  const auto queried = query_records(trail.work, by_subject);
  const auto pruned = plan_prune(trail.work, "2027-01-01", [](const std::string&) { return 30; });

  require(plain.has_value() && keyed.has_value(), "verify could not read a readable trail");
  if (!changed) {
    require(plain->intact() && keyed->intact(), "an unchanged trail does not verify");
    require(queried && queried->size() == kRecords, "an unchanged trail does not answer a query");
    return 0;
  }
  require(!keyed->intact(), "a changed trail verifies with the public key");
  if (!rewrite && !(in_checkpoint && column != "head_hash")) {
    // Without the key only the checkpoint's time and signature can change unseen.
    require(!plain->intact(), "a changed stored value verifies (without the key)");
    require(!queried.has_value(), "a query answered from a changed trail");
    require(!pruned.has_value(), "a prune planned on a changed trail");
  }
  return 0;
}
