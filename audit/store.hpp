#pragma once
// Where audit records are kept. One writer appends batches; each batch is
// all-or-nothing and durable when append_batch returns success. The store
// assigns consecutive sequence numbers and links each record to the previous
// one by hash. Implementations: SQLite (embedded); PostgreSQL may follow.
#include <expected>
#include <span>
#include <string>

#include "audit/record.hpp"

namespace schakel::audit {

class AuditStore {
 public:
  virtual ~AuditStore() = default;
  // On success every record has its sequence and prev_hash set.
  [[nodiscard]] virtual std::expected<void, std::string> append_batch(
      std::span<AuditRecord> records) = 0;
  // Whether a write would succeed now (used to recover readiness without traffic).
  [[nodiscard]] virtual std::expected<void, std::string> check_writable() = 0;
};

}  // namespace schakel::audit
