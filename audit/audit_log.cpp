#include "audit/audit_log.hpp"

#include <vector>

#include "common/log.hpp"

namespace schakel::audit {
namespace {

constexpr auto kProbeInterval = std::chrono::milliseconds(500);

}  // namespace

AuditLog::AuditLog(std::unique_ptr<AuditStore> store, AuditLogOptions options)
    : store_(std::move(store)), options_(options), writer_([this] { run(); }) {}

AuditLog::~AuditLog() {
  stop();
}

void AuditLog::append(AuditRecord record, Completion done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ && queue_.size() < options_.max_queue) {
      queue_.push_back({std::move(record), std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  done(std::unexpected(std::string("audit log is stopping or its queue is full")));
}

void AuditLog::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !writer_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
}

std::chrono::milliseconds AuditLog::wait_limit() const {
  if (!healthy_) return kProbeInterval;
  if (!options_.signer || unsigned_records_ == 0) return std::chrono::hours(1);
  const auto since = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - last_checkpoint_);
  return std::max(std::chrono::milliseconds(1), options_.checkpoint_interval - since);
}

void AuditLog::run() {
  for (;;) {
    std::deque<Pending> batch;
    {
      std::unique_lock lock(mutex_);
      const auto ready = [this] { return stopping_ || !queue_.empty(); };
      if (!wake_.wait_for(lock, wait_limit(), ready)) {
        lock.unlock();
        if (!healthy_ && store_->check_writable()) {
          healthy_ = true;
          log::info("audit.recovered");
        }
        if (healthy_) checkpoint(false);
        continue;
      }
      if (queue_.empty() && stopping_) {
        lock.unlock();
        checkpoint(true);
        return;
      }
      const std::size_t take = std::min(queue_.size(), options_.max_batch);
      for (std::size_t i = 0; i < take; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    commit(batch);
    checkpoint(false);
  }
}

void AuditLog::checkpoint(bool force) {
  if (!options_.signer || unsigned_records_ == 0) return;
  const bool due =
      unsigned_records_ >= options_.checkpoint_records ||
      std::chrono::steady_clock::now() - last_checkpoint_ >= options_.checkpoint_interval;
  if (!force && !due) return;
  auto written = store_->write_checkpoint(options_.signer);
  if (!written) {
    log::warn("audit.checkpoint_failed", {{"error", written.error()}});
    return;
  }
  unsigned_records_ = 0;
  last_checkpoint_ = std::chrono::steady_clock::now();
  log::info("audit.checkpoint", {{"sequence", std::to_string(written->sequence)}});
}

void AuditLog::commit(std::deque<Pending>& batch) {
  std::vector<AuditRecord> records;
  records.reserve(batch.size());
  for (auto& pending : batch) records.push_back(std::move(pending.record));
  auto result = store_->append_batch(records);
  if (!result) {
    if (healthy_.exchange(false)) log::error("audit.unavailable", {{"error", result.error()}});
    for (auto& pending : batch) pending.done(std::unexpected(result.error()));
    return;
  }
  if (!healthy_.exchange(true)) log::info("audit.recovered");
  ++batches_;
  unsigned_records_ += records.size();
  for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done(records[i].sequence);
}

}  // namespace schakel::audit
