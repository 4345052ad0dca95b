#pragma once
// The audit writer: one thread owns the store and commits records in groups.
// Records appended while a batch is being made durable wait and go together
// into the next batch, so concurrent requests share one fsync. Each append's
// completion runs on the writer thread only after its batch is durable, with
// the record's sequence number — or with the store's error, in which case
// nothing of that batch was written. An append refused at once (a record
// that is not UTF-8, a full queue, a stopped log) completes on the caller's
// thread, before append returns. While the store fails, the log reports
// unhealthy and probes the store until it is writable again (and, with
// `idle_probe_interval`, probes a healthy store when idle). With a signer,
// the writer also signs checkpoints of the chain head — first, at start, of
// whatever a crash left unsigned; then every `checkpoint_records` records or
// `checkpoint_interval`, and at stop: each covers every record since the
// last one, so no tail stays unsigned longer than the interval.
#include <atomic>
#include <chrono>
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
  // Signed checkpoints every `checkpoint_records` records or `checkpoint_interval`
  // (whichever first, only when records were added) and at stop; none without a signer.
  CheckpointSigner signer;
  std::uint64_t checkpoint_records = 1000;
  std::chrono::milliseconds checkpoint_interval{10'000};
  // Called on the writer thread with each checkpoint once it is stored, e.g.
  // to publish it to a witness (witness.hpp); its error is logged, never fatal.
  std::function<std::expected<void, std::string>(const Checkpoint&)> on_checkpoint;
  // While healthy and idle, probe the store this often too (zero: never), so
  // that health follows a database that went away without traffic (a store
  // on another machine: PostgreSQL).
  std::chrono::milliseconds idle_probe_interval{0};
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
  void sign_recovered_tail();
  template <typename Step>
  void guarded(Step&& step);
  void commit(std::deque<Pending>& batch);
  // Writes a checkpoint when one is due (or `force`) and records were added since the last.
  void checkpoint(bool force);
  [[nodiscard]] std::chrono::milliseconds wait_limit() const;
  void idle();

  std::unique_ptr<AuditStore> store_;
  AuditLogOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::atomic<bool> healthy_{true};
  std::atomic<std::uint64_t> batches_{0};
  std::uint64_t unsigned_records_ = 0;  // writer thread only
  std::chrono::steady_clock::time_point last_checkpoint_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_probe_ = std::chrono::steady_clock::now();
  std::thread writer_;
};

}  // namespace schakel::audit
