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

void AuditLog::run() {
  for (;;) {
    std::deque<Pending> batch;
    {
      std::unique_lock lock(mutex_);
      const auto ready = [this] { return stopping_ || !queue_.empty(); };
      if (healthy_) {
        wake_.wait(lock, ready);
      } else if (!wake_.wait_for(lock, kProbeInterval, ready)) {
        lock.unlock();
        if (store_->check_writable()) {
          healthy_ = true;
          log::info("audit.recovered");
        }
        continue;
      }
      if (queue_.empty() && stopping_) return;
      const std::size_t take = std::min(queue_.size(), options_.max_batch);
      for (std::size_t i = 0; i < take; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    commit(batch);
  }
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
  for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done(records[i].sequence);
}

}  // namespace schakel::audit
