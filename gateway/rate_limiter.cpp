#include "gateway/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace schakel::gateway {

bool RateLimiter::try_take(std::string_view partner, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto [it, fresh] = buckets_.try_emplace(std::string(partner), Bucket{limit_.burst, now});
  Bucket& bucket = it->second;
  if (!fresh) {
    const std::chrono::duration<double, std::ratio<60>> elapsed = now - bucket.updated;
    bucket.tokens = std::min(limit_.burst, bucket.tokens + elapsed.count() * limit_.per_minute);
    bucket.updated = now;
  }
  if (bucket.tokens < 1.0) return false;
  bucket.tokens -= 1.0;
  return true;
}

std::chrono::seconds RateLimiter::refill_time() const {
  const double seconds = 60.0 / limit_.per_minute;
  return std::chrono::seconds(
      std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(seconds))));
}

}  // namespace schakel::gateway
