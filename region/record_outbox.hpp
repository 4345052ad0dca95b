#pragma once
// The transactional outbox of the region's work (issue 14): a change to the
// region's state (a signal, a case) commits in one transaction with the
// audit records that describe it, held here until the trail has them. The
// caller appends them to the trail and then settles them; a notification the
// change owes waits (Notification::held_by) until the record it depends on
// is settled. So no change is without its record and nothing is notified
// before its record is durable, whatever fails in between: a trail that
// refuses (retry_later: the Notifier replays it) or a SIGKILL (after_restart
// at the next start: replayed then, and marked so — the trail may then hold
// a record twice under one transaction id, never none). Records are the
// audit record's canonical body (JSON): no personal value, as in the trail.
// An interface, so that a PostgreSQL store can stand in (issue 17).
#include <cstddef>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace schakel::region {

struct HeldRecord {
  std::string hold_key;  // the record's transaction id, or what a notification names
  std::string record;    // the audit record's canonical body
  bool after_restart = false;
};

class RecordOutbox {
 public:
  virtual ~RecordOutbox() = default;

  // Runs `change` in one write transaction with the stores' own calls, and
  // holds the records it returns; nullopt rolls everything back (a refusal
  // changes nothing). True when committed.
  using Change = std::function<std::optional<std::vector<HeldRecord>>()>;
  [[nodiscard]] virtual std::expected<bool, std::string> in_change(const Change& change) = 0;
  // The record is durable in the trail: forget it, free what it held.
  [[nodiscard]] virtual std::expected<void, std::string> settle(const std::string& hold_key) = 0;
  // The trail refused these: the Notifier replays them.
  [[nodiscard]] virtual std::expected<void, std::string> retry_later(
      const std::vector<std::string>& hold_keys) = 0;
  // At start, before any request: whatever is held is for replay.
  [[nodiscard]] virtual std::expected<void, std::string> after_restart() = 0;
  // Held records to replay, oldest first, at most `limit`.
  [[nodiscard]] virtual std::expected<std::vector<HeldRecord>, std::string> to_replay(
      std::size_t limit) = 0;
};

}  // namespace schakel::region
