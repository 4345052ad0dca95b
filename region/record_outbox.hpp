#pragma once
// The transactional outbox of the region's work (issue 14): a change to the
// region's state (a signal, a case) commits in one transaction with the
// audit records that describe it, held here until the trail has them. The
// caller appends them to the trail and then settles them; a notification the
// change owes waits (Notification::held_by) until the record it depends on
// is settled. So no change is without its record and nothing is notified
// before its record is durable, whatever fails in between: a trail that
// refuses (retry_later: the Notifier replays it), a caller that could not
// settle (a record held longer than kReplayAfterSeconds is replayed too) or
// a SIGKILL (after_restart at the next start: replayed then, and marked so —
// the trail may then hold a record twice under one transaction id, never
// none). A held record that does not read back is set aside (quarantine),
// kept for an operator, never replayed. Records are the
// audit record's canonical body (JSON): no personal value, as in the trail.
// An interface; its implementation (sqlite_*.hpp) runs on SQLite or, with
// PostgreSQL configured, on PostgreSQL (sqlite_db.hpp: one Database over both).
#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace schakel::region {

inline constexpr std::int64_t kReplayAfterSeconds = 60;

struct HeldRecord {
  std::string hold_key;  // the record's transaction id, or what a notification names
  std::string record;    // the audit record's canonical body
  bool after_restart = false;
};

// The answer a change gave, kept kAnswerKeptSeconds so that a repeat of the
// request (the same Fsc-Transaction-Id) gets it again instead of making the
// change twice — e.g. after a 503 record-pending.
struct RememberedAnswer {
  std::string transaction_id;
  std::string sender_oin;
  std::string request;  // method and path
  int status = 0;
  std::string body;
  std::int64_t answered_unix = 0;
};

inline constexpr std::int64_t kAnswerKeptSeconds = 24 * 3600;

class RecordOutbox {
 public:
  virtual ~RecordOutbox() = default;

  // Runs `change` in one write transaction with the stores' own calls, and
  // holds the records it returns; nullopt rolls everything back (a refusal
  // changes nothing). True when committed.
  // `after_crash`: durable across the process's crash at once, across a
  // power loss from the next checkpoint (for changes whose loss only repeats
  // work, e.g. a delivery's outcome: the delivery is made again under its id).
  using Change = std::function<std::optional<std::vector<HeldRecord>>()>;
  [[nodiscard]] virtual std::expected<bool, std::string> in_change(const Change& change,
                                                                   bool after_crash = false) = 0;
  // The record is durable in the trail: forget it, free what it held.
  [[nodiscard]] virtual std::expected<void, std::string> settle(const std::string& hold_key) = 0;
  // The trail refused these: the Notifier replays them.
  [[nodiscard]] virtual std::expected<void, std::string> retry_later(
      const std::vector<std::string>& hold_keys) = 0;
  // At start, before any request: whatever is held is for replay. In
  // PostgreSQL, which several instances share, nothing: a start cannot tell
  // what a dead instance held from what a live one is settling; a dead
  // instance's records are replayed by the kReplayAfterSeconds rule.
  [[nodiscard]] virtual std::expected<void, std::string> after_restart() = 0;
  // Held records to replay at `now_unix` (marked for it, or held longer than
  // kReplayAfterSeconds), oldest first, at most `limit`, each claimed
  // (claim.hpp: unmarked, held anew) so that one instance replays it; a
  // replay the trail refuses again is marked again (retry_later).
  [[nodiscard]] virtual std::expected<std::vector<HeldRecord>, std::string> to_replay(
      std::int64_t now_unix, std::size_t limit) = 0;
  // Whether the record of this key is still held (not yet in the trail).
  [[nodiscard]] virtual std::expected<bool, std::string> holds(const std::string& hold_key) = 0;
  // Inside a change: its answer, for repeats (a transaction id answered before: an error).
  [[nodiscard]] virtual std::expected<void, std::string> remember(
      const RememberedAnswer& answer) = 0;
  [[nodiscard]] virtual std::expected<std::optional<RememberedAnswer>, std::string> recall(
      const std::string& transaction_id) = 0;
  // Forgets answers given before `before_unix`; how many.
  [[nodiscard]] virtual std::expected<std::int64_t, std::string> forget_answers(
      std::int64_t before_unix) = 0;
  // A held record that does not read back: never replayed, kept for an operator.
  [[nodiscard]] virtual std::expected<void, std::string> quarantine(
      const std::string& hold_key) = 0;
};

}  // namespace schakel::region
