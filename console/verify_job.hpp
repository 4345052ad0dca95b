#pragma once
// "Verify now" in the console (issue 16): one verification of the whole
// trail at a time (audit/verify.hpp, with the exported signing key, so the
// signed checkpoints are checked too), on a thread of its own, its progress
// (records checked) readable while it runs, and the last result kept with
// when it finished. Starting while one runs does nothing. Thread-safe.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "audit/verify.hpp"
#include "crypto/public_key.hpp"

namespace schakel::console {

struct VerifyState {
  bool running = false;
  std::uint64_t checked = 0;  // records so far, while running
  std::string started;        // RFC 3339
  std::string finished;
  std::optional<audit::VerifyReport> report;  // the last finished run's
  std::string error;                          // or why it could not run
};

class VerifyJob {
 public:
  using OpenTrail =
      std::function<std::expected<std::unique_ptr<audit::TrailSource>, std::string>()>;
  // `open`: the trail to verify, anew for every run.
  VerifyJob(OpenTrail open, crypto::PublicKey key);
  ~VerifyJob();  // waits for a run in progress

  // Starts a run unless one is running; false when one was.
  bool start();
  [[nodiscard]] VerifyState state() const;

 private:
  void run();

  OpenTrail open_;
  crypto::PublicKey key_;
  mutable std::mutex mutex_;
  VerifyState state_;
  std::thread thread_;
};

}  // namespace schakel::console
