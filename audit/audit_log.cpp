#include "audit/audit_log.hpp"

#include <vector>

#include "common/log.hpp"

namespace schakel::audit {
namespace {

constexpr auto kProbeInterval = std::chrono::milliseconds(500);
constexpr std::string_view kNotWritable = "the record holds text that is not valid UTF-8";

}  // namespace

AuditLog::AuditLog(std::unique_ptr<AuditStore> store, AuditLogOptions options)
    : store_(std::move(store)), options_(options), writer_([this] { run(); }) {}

AuditLog::~AuditLog() {
  stop();
}

void AuditLog::append(AuditRecord record, Completion done) {
  if (!is_writable(record)) {
    done(std::unexpected(std::string(kNotWritable)));
    return;
  }
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
  using std::chrono::milliseconds;
  const auto now = std::chrono::steady_clock::now();
  if (!healthy_) return kProbeInterval;
  milliseconds limit = std::chrono::hours(1);
  if (options_.idle_probe_interval.count() > 0) {
    limit = std::min(limit, std::chrono::duration_cast<milliseconds>(
                                last_probe_ + options_.idle_probe_interval - now));
  }
  if (options_.signer && unsigned_records_ > 0) {
    limit = std::min(limit, std::chrono::duration_cast<milliseconds>(
                                last_checkpoint_ + options_.checkpoint_interval - now));
  }
  return std::max(milliseconds(1), limit);
}

// Between batches: probe a failed store, sign a checkpoint when one is due.
void AuditLog::idle() {
  if (!healthy_ && store_->check_writable()) {
    healthy_ = true;
    log::info("audit.recovered");
  }
  const auto now = std::chrono::steady_clock::now();
  if (healthy_ && options_.idle_probe_interval.count() > 0 &&
      now - last_probe_ >= options_.idle_probe_interval) {
    last_probe_ = now;
    if (auto writable = store_->check_writable(); !writable) {
      healthy_ = false;
      log::error("audit.unavailable", {{"error", writable.error()}});
    }
  }
  if (healthy_) checkpoint(false);
}

// A crash may have left records after the last checkpoint: sign them first.
void AuditLog::sign_recovered_tail() {
  if (!options_.signer) return;
  auto recovered = store_->unsigned_records();
  if (!recovered) {
    log::warn("audit.tail_unknown", {{"error", recovered.error()}});
    return;
  }
  if (*recovered == 0) return;
  unsigned_records_ = *recovered;
  log::info("audit.recovered_tail", {{"records", std::to_string(*recovered)}});
  checkpoint(true);
}

// The writer never dies of a step between batches either.
template <typename Step>
void AuditLog::guarded(Step&& step) {
  try {
    step();
  } catch (const std::exception&) {
    log::error("audit.writer_exception");
  }
}

void AuditLog::run() {
  guarded([this] { sign_recovered_tail(); });
  for (;;) {
    std::deque<Pending> batch;
    {
      std::unique_lock lock(mutex_);
      const auto has_work = [this] { return stopping_ || !queue_.empty(); };
      if (!has_work()) {
        wake_.wait_for(lock, wait_limit());
        if (!has_work()) {
          lock.unlock();
          guarded([this] { idle(); });
          continue;
        }
      }
      if (stopping_ && queue_.empty()) {
        lock.unlock();
        guarded([this] { checkpoint(true); });
        return;
      }
      const std::size_t take = std::min(queue_.size(), options_.max_batch);
      for (std::size_t i = 0; i < take; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    // The writer never dies on one batch: a failure is that batch's error.
    try {
      commit(batch);
      checkpoint(false);
    } catch (const std::exception&) {
      log::error("audit.writer_exception");
      for (auto& pending : batch) {
        if (pending.done) pending.done(std::unexpected(std::string("the audit writer failed")));
      }
    }
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
  if (options_.on_checkpoint && written->sequence > 0) {
    if (auto published = options_.on_checkpoint(*written); !published) {
      log::warn("audit.witness_failed", {{"error", published.error()}});
    }
  }
}

void AuditLog::commit(std::deque<Pending>& batch) {
  std::vector<AuditRecord> records;
  records.reserve(batch.size());
  for (auto& pending : batch) records.push_back(std::move(pending.record));
  auto result = store_->append_batch(records);
  if (!result) {
    if (healthy_.exchange(false)) log::error("audit.unavailable", {{"error", result.error()}});
    for (auto& pending : batch)
      std::exchange(pending.done, nullptr)(std::unexpected(result.error()));
    return;
  }
  if (!healthy_.exchange(true)) log::info("audit.recovered");
  ++batches_;
  unsigned_records_ += records.size();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    std::exchange(batch[i].done, nullptr)(records[i].sequence);
  }
}

}  // namespace schakel::audit
