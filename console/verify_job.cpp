#include "console/verify_job.hpp"

#include "common/log.hpp"

namespace schakel::console {

VerifyJob::VerifyJob(OpenTrail open, crypto::PublicKey key) : open_(std::move(open)), key_(key) {}

VerifyJob::~VerifyJob() {
  if (thread_.joinable()) thread_.join();
}

bool VerifyJob::start() {
  std::lock_guard lock(mutex_);
  if (state_.running) return false;
  if (thread_.joinable()) thread_.join();  // the last run has finished: it set running false
  state_.running = true;
  state_.checked = 0;
  state_.started = log::timestamp_utc();
  thread_ = std::thread([this] { run(); });
  return true;
}

VerifyState VerifyJob::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

void VerifyJob::run() {
  std::expected<audit::VerifyReport, std::string> result = std::unexpected(std::string());
  try {
    audit::VerifyOptions options;
    options.key = key_;
    options.progress_every = 1000;
    options.progress = [this](std::uint64_t records) {
      std::lock_guard lock(mutex_);
      state_.checked = records;
    };
    auto trail = open_();
    result = trail ? audit::verify_trail(**trail, options) : std::unexpected(trail.error());
  } catch (const std::exception&) {
    result = std::unexpected(std::string("the verification failed unexpectedly"));
  }
  std::lock_guard lock(mutex_);
  state_.running = false;
  state_.finished = log::timestamp_utc();
  if (result) {
    state_.report = *result;
    state_.checked = result->records;
    state_.error.clear();
  } else {
    state_.report.reset();
    state_.error = result.error();
  }
}

}  // namespace schakel::console
