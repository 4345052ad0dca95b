#pragma once
// The audit trail in PostgreSQL (issue 17): several gateways append to ONE
// hash chain. Frames (trail_frame.hpp: records and signed checkpoints, the
// same payloads as the embedded log) are rows of `schakel_trail`, ordered by
// `position`; the row `schakel_trail_head` holds the chain's head (position,
// sequence, hash, last checkpoint). A batch is one transaction: it locks the
// head row (SELECT … FOR UPDATE, waiting at most `lock_timeout`), chains its
// records on the head it read, inserts them in one statement, moves the head
// and commits — durable (synchronous_commit at least "on", pg/connection.hpp)
// when append_batch returns; all or nothing. Appends from all instances are
// thereby serialised on the head row: the price of one chain (a verifier and
// a privacy officer read one sequence, no cross-chain ordering) is that the
// cluster commits one batch at a time — group commit in each instance keeps
// batches large under load (see README, "Several gateways"). No head is
// cached: every batch reads it, so a batch that failed in doubt (a lost
// connection at commit) or another instance's append never forks the chain.
// A lost session is opened anew at the next call (a promoted standby found
// by libpq's target_session_attrs). check_writable commits a write to a
// probe row: as durable as a batch, so it fails when a batch would. Payloads are text (canonical
// JSON), so a dump of the database is readable — and scanned for personal values by the tests. Used
// by one thread at a time.
#include <chrono>
#include <memory>

#include "audit/store.hpp"
#include "audit/trail_source.hpp"
#include "pg/connection.hpp"

namespace schakel::audit {

struct PgTrailOptions {
  pg::Options connection;
  std::chrono::milliseconds lock_timeout{1'000};  // longest wait for the head row
};

class PgTrailStore final : public AuditStore {
 public:
  // Connects and creates the tables when missing (under an advisory lock:
  // instances may start together).
  [[nodiscard]] static std::expected<std::unique_ptr<PgTrailStore>, std::string> open(
      const PgTrailOptions& options);

  [[nodiscard]] std::expected<void, std::string> append_batch(
      std::span<AuditRecord> records) override;
  [[nodiscard]] std::expected<void, std::string> check_writable() override;
  [[nodiscard]] std::expected<std::uint64_t, std::string> unsigned_records() override;
  [[nodiscard]] std::expected<Checkpoint, std::string> write_checkpoint(
      const CheckpointSigner& sign) override;
  // Deletes exactly the records <= `cut` (and the checkpoints before it) in
  // the transaction that adds the prune-cut checkpoint.
  [[nodiscard]] std::expected<PruneResult, std::string> prune_through(
      std::uint64_t cut, const CheckpointSigner& sign) override;

 private:
  struct Head {
    std::int64_t position = 0;
    std::uint64_t sequence = 0;
    std::string hash;
    std::uint64_t last_checkpoint = 0;
  };
  explicit PgTrailStore(PgTrailOptions options) : options_(std::move(options)) {}
  [[nodiscard]] std::expected<pg::Connection*, std::string> session();
  // Runs `body` in a transaction holding the head row; commits when it succeeds.
  template <typename Body>
  [[nodiscard]] std::expected<void, std::string> with_head(Body&& body);
  [[nodiscard]] std::expected<void, std::string> append_checkpoint(pg::Connection& session,
                                                                   Head& head,
                                                                   const Checkpoint& checkpoint);

  PgTrailOptions options_;
  std::unique_ptr<pg::Connection> session_;
};

// The PostgreSQL trail for its readers: one REPEATABLE READ snapshot, taken
// at the first read and kept while the source lives, so that verify's two
// passes and a query see the same trail whatever is appended or pruned
// meanwhile. Works on a hot standby too.
class PgTrail final : public TrailSource {
 public:
  explicit PgTrail(pg::Options options);
  ~PgTrail() override;
  [[nodiscard]] std::expected<void, TrailReadError> for_each_frame(
      const FrameVisitor& visit, std::uint64_t* torn_bytes = nullptr) const override;
  [[nodiscard]] std::expected<std::optional<std::string>, std::string> record_hash_at(
      std::uint64_t sequence) const override;
  [[nodiscard]] std::expected<std::uint64_t, std::string> head_sequence() const override;
  [[nodiscard]] std::string name() const override { return "the PostgreSQL trail"; }

 private:
  [[nodiscard]] std::expected<pg::Connection*, std::string> snapshot() const;

  pg::Options options_;
  mutable std::unique_ptr<pg::Connection> session_;
};

}  // namespace schakel::audit
