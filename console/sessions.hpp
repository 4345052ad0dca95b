#pragma once
// The console's signed-in users (issue 16), in this process's memory only: a
// session is a random 256-bit id (the cookie) with its user, role, how they
// signed in, and a CSRF token that every form carries. A session ends after
// `idle` without a request, after `max` in all, at sign-out, or when the
// store is full and it is the least recently used (never more than
// kMaxSessions). A session opened with a certificate is bound to its CN:
// a request over another connection must present the same certificate
// (the caller checks). The clock is injected (seconds since the epoch).
// Thread-safe.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "policy/model.hpp"

namespace schakel::console {

inline constexpr std::size_t kMaxSessions = 1000;

struct Session {
  std::string id;
  std::string csrf;
  std::string user;
  policy::ConsoleRole role = policy::ConsoleRole::kRegionAdmin;
  std::string certificate_cn;  // set when signed in with a certificate
  std::int64_t created = 0;
  std::int64_t last_seen = 0;
  // The officer's stated reason for looking at persons, asked once per
  // search and kept for the record pages opened from it.
  std::string reason;
};

class SessionStore {
 public:
  SessionStore(std::chrono::seconds idle, std::chrono::seconds max,
               std::function<std::int64_t()> clock);

  [[nodiscard]] Session open(const policy::ConsoleUser& user, std::string certificate_cn);
  // The live session of this id (its last_seen now), or nullopt (unknown, expired: then erased).
  [[nodiscard]] std::optional<Session> find(std::string_view id);
  void set_reason(std::string_view id, std::string reason);
  void close(std::string_view id);

 private:
  [[nodiscard]] bool expired(const Session& session, std::int64_t now) const;

  std::int64_t idle_;
  std::int64_t max_;
  std::function<std::int64_t()> clock_;
  std::mutex mutex_;
  std::map<std::string, Session, std::less<>> sessions_;
};

// A fresh random token: 32 bytes, base64url.
[[nodiscard]] std::string random_token();

}  // namespace schakel::console
