#pragma once
// The audit writer: one thread owns the store and commits records in groups.
// Records appended while a batch is being made durable wait and go together
// into the next batch, so concurrent requests share one fsync. Each append's
// completion runs (on the writer thread) only after its batch is durable, with
// the record's sequence number — or with the store's error, in which case
// nothing of that batch was written. While the store fails, the log reports
// unhealthy and probes the store until it is writable again.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "audit/store.hpp"

namespace schakel::audit {

struct AuditLogOptions {
  std::size_t max_batch = 512;
  std::size_t max_queue = 16384;  // beyond this, appends fail at once
};

class AuditLog {
 public:
  using Completion = std::function<void(std::expected<std::uint64_t, std::string>)>;

  AuditLog(std::unique_ptr<AuditStore> store, AuditLogOptions options = {});
  ~AuditLog();  // stop()
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  void append(AuditRecord record, Completion done);
  // Writes what is queued, then joins the writer thread. Later appends fail.
  void stop();
  [[nodiscard]] bool healthy() const { return healthy_.load(); }
  [[nodiscard]] std::uint64_t batches_committed() const { return batches_.load(); }

 private:
  struct Pending {
    AuditRecord record;
    Completion done;
  };
  void run();
  void commit(std::deque<Pending>& batch);

  std::unique_ptr<AuditStore> store_;
  AuditLogOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::atomic<bool> healthy_{true};
  std::atomic<std::uint64_t> batches_{0};
  std::thread writer_;
};

}  // namespace schakel::audit
