#pragma once
// Where audit records are kept. One writer appends batches; each batch is
// all-or-nothing and durable when append_batch returns success. The store
// assigns consecutive sequence numbers and links each record to the previous
// one by hash. Implementations: the append-only log (log_store.hpp, the
// embedded default) and PostgreSQL (pg_trail_store.hpp, several gateways).
#include <array>
#include <cstdint>
#include <expected>
#include <span>
#include <string>

#include "audit/checkpoint.hpp"
#include "audit/record.hpp"

namespace schakel::audit {

// What a prune removed: the records through `checkpoint.sequence` (0: nothing).
struct PruneResult {
  Checkpoint checkpoint;
  std::uint64_t records = 0;
};

class AuditStore {
 public:
  virtual ~AuditStore() = default;
  // On success every record has its sequence and prev_hash set.
  [[nodiscard]] virtual std::expected<void, std::string> append_batch(
      std::span<AuditRecord> records) = 0;
  // Whether a write would succeed now (used to recover readiness without traffic).
  [[nodiscard]] virtual std::expected<void, std::string> check_writable() = 0;
  // How many records follow the last signed checkpoint (all of them when
  // there is none): what a crash may have left unsigned.
  [[nodiscard]] virtual std::expected<std::uint64_t, std::string> unsigned_records() = 0;
  // Signs and stores a checkpoint of the chain's current head (nothing for an
  // empty chain: sequence 0 is returned).
  [[nodiscard]] virtual std::expected<Checkpoint, std::string> write_checkpoint(
      const CheckpointSigner& sign) = 0;
  // Retention: removes records with sequence <= `cut` (a store may keep some
  // of them, e.g. the log's last segment), after a signed prune-cut
  // checkpoint of the last removed one is durable, so the rest still
  // verifies from there.
  [[nodiscard]] virtual std::expected<PruneResult, std::string> prune_through(
      std::uint64_t cut, const CheckpointSigner& sign) = 0;
};

// Appends one record on its own (operator commands); returns its sequence.
[[nodiscard]] inline std::expected<std::uint64_t, std::string> append_one(AuditStore& store,
                                                                          AuditRecord record) {
  std::array<AuditRecord, 1> batch{std::move(record)};
  if (auto ok = store.append_batch(batch); !ok) return std::unexpected(ok.error());
  return batch[0].sequence;
}

}  // namespace schakel::audit
