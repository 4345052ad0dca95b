#pragma once
// Token buckets per key (an OIN). Two guards use them: before the subject is
// resolved, how many pseudonymise and translate steps each partner can make
// the gateway perform (no partner can use Schakel as an oracle that maps many
// BSNs or pseudonyms at speed); and before anything is written, how many
// requests a certificate that is no partner can have refused and audited (a
// stranger cannot flood the trail). Thread-safe.
#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace schakel::gateway {

struct RateLimit {
  double per_minute = 60'000;
  double burst = 2'000;
};

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RateLimiter(RateLimit limit) : limit_(limit) {}

  // Takes one token from the key's bucket; false when it is empty.
  [[nodiscard]] bool try_take(std::string_view partner, Clock::time_point now = Clock::now());
  // How long one token takes to come back, rounded up to whole seconds (at least 1).
  [[nodiscard]] std::chrono::seconds refill_time() const;

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  RateLimit limit_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace schakel::gateway
