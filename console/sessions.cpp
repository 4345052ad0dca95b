#include "console/sessions.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>

#include "crypto/encoding.hpp"

namespace schakel::console {

std::string random_token() {
  std::array<std::uint8_t, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  return crypto::to_base64url(bytes);
}

SessionStore::SessionStore(std::chrono::seconds idle, std::chrono::seconds max,
                           std::function<std::int64_t()> clock)
    : idle_(idle.count()), max_(max.count()), clock_(std::move(clock)) {}

bool SessionStore::expired(const Session& session, std::int64_t now) const {
  return now - session.last_seen > idle_ || now - session.created > max_;
}

Session SessionStore::open(const policy::ConsoleUser& user, std::string certificate_cn) {
  const std::int64_t now = clock_();
  Session session{
      random_token(), random_token(), user.id, user.role, std::move(certificate_cn), now, now, ""};
  std::lock_guard lock(mutex_);
  std::erase_if(sessions_, [&](const auto& entry) { return expired(entry.second, now); });
  if (sessions_.size() >= kMaxSessions) {
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](auto& a, auto& b) {
      return a.second.last_seen < b.second.last_seen;
    });
    sessions_.erase(oldest);
  }
  sessions_.emplace(session.id, session);
  return session;
}

std::optional<Session> SessionStore::find(std::string_view id) {
  const std::int64_t now = clock_();
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  if (expired(it->second, now)) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_seen = now;
  return it->second;
}

void SessionStore::set_reason(std::string_view id, std::string reason) {
  std::lock_guard lock(mutex_);
  if (auto it = sessions_.find(id); it != sessions_.end()) it->second.reason = std::move(reason);
}

void SessionStore::close(std::string_view id) {
  std::lock_guard lock(mutex_);
  if (auto it = sessions_.find(id); it != sessions_.end()) sessions_.erase(it);
}

}  // namespace schakel::console
