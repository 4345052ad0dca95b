#include "region/claim.hpp"

#include "region/sqlite_db.hpp"

namespace schakel::region {
namespace {

constexpr std::int64_t kLongestBackoffSeconds = 300;

}  // namespace

std::expected<void, std::string> release_claims(SharedDatabase& shared, std::int64_t now_unix) {
  std::lock_guard lock(shared.mutex);
  auto& db = shared.db;
  if (db.postgresql()) return {};
  return db.in_write_transaction([&]() -> std::expected<void, std::string> {
    for (const char* sql :
         {"UPDATE queued_messages SET due_unix = ?1 WHERE status = 'queued' AND due_unix > ?2",
          "UPDATE notifications SET due_unix = ?1 WHERE due_unix > ?2"}) {
      auto release = db.prepare(sql);
      if (!release) return std::unexpected(release.error());
      release->bind(1, now_unix).bind(2, now_unix + kLongestBackoffSeconds);
      if (auto step = release->step(); !step) return std::unexpected(step.error());
    }
    return {};
  });
}

}  // namespace schakel::region
