#pragma once
// The embedded audit store: one SQLite database in WAL mode with
// synchronous=FULL, so a committed batch survives a crash or power loss.
// Used by one thread at a time. Each batch re-reads the chain head inside
// its write transaction, so another process (an operator's `schakel keys`)
// may append to the same chain.
#include <filesystem>
#include <functional>
#include <memory>

#include "audit/store.hpp"

struct sqlite3;

namespace schakel::audit {
class Statement;
}

namespace schakel::audit {

struct SqliteOptions {
  std::filesystem::path path;
  int busy_timeout_ms = 1000;
  // Benchmark diagnostics only (settings: audit.unsafe_skip_fsync): commits
  // are not synced, so a crash or power loss may lose the latest batches.
  bool skip_fsync = false;
};

class SqliteStore final : public AuditStore {
 public:
  [[nodiscard]] static std::expected<std::unique_ptr<SqliteStore>, std::string> open(
      const SqliteOptions& options);
  ~SqliteStore() override;

  [[nodiscard]] std::expected<void, std::string> append_batch(
      std::span<AuditRecord> records) override;
  [[nodiscard]] std::expected<void, std::string> check_writable() override;
  [[nodiscard]] std::expected<std::uint64_t, std::string> unsigned_records() override;
  [[nodiscard]] std::expected<Checkpoint, std::string> write_checkpoint(
      const CheckpointSigner& sign) override;
  // Retention: in one transaction, signs a checkpoint at `sequence` (the cut)
  // and deletes every record up to and including it.
  [[nodiscard]] std::expected<Checkpoint, std::string> prune_through(std::uint64_t sequence,
                                                                     const CheckpointSigner& sign);

 private:
  explicit SqliteStore(sqlite3* db);
  [[nodiscard]] std::expected<void, std::string> load_head();
  [[nodiscard]] std::expected<void, std::string> in_write_transaction(
      const std::function<std::expected<void, std::string>()>& body);
  [[nodiscard]] std::expected<void, std::string> insert(AuditRecord& record);
  [[nodiscard]] std::expected<Checkpoint, std::string> insert_checkpoint(
      std::uint64_t sequence, std::string hash, const CheckpointSigner& sign);

  sqlite3* db_;
  std::unique_ptr<Statement> insert_;  // prepared once, reused for every record
  std::uint64_t head_sequence_ = 0;
  std::string head_hash_;
};

}  // namespace schakel::audit
