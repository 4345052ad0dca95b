#pragma once
// Messages held for asynchronous delivery (issue 15: Prefer: respond-async)
// and, for a purpose marked handover, until the recipient answers. A row
// holds the already minimised and pseudonymised message only sealed
// (crypto/queue_cipher.hpp, under the message's transaction id) and forgets
// it — the sealed bytes set to NULL, which secure_delete overwrites — once
// it reaches an end: delivered (a plain message), accepted, declined or
// expired. What stays is the status and its times, without a value.
// Status: queued (waiting for a 2xx) -> delivered (a handover: waiting for
// the answer; a plain message: done) -> accepted | declined; queued or a
// handover not answered -> expired at expires_unix.
// An interface; its implementation (sqlite_*.hpp) runs on SQLite or, with
// PostgreSQL configured, on PostgreSQL (sqlite_db.hpp: one Database over both).
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

namespace schakel::region {

struct QueuedMessage {
  std::string transaction_id;
  std::string sender_oin;
  std::string recipient_oin;
  std::string purpose;
  std::string subject_token;  // the audit token of the person (for the records)
  std::uint64_t decision_sequence = 0;
  bool handover = false;
  std::vector<std::uint8_t> sealed;  // empty once forgotten
  std::string status = "queued";
  int attempts = 0;
  std::int64_t queued_unix = 0;
  std::int64_t due_unix = 0;
  std::int64_t expires_unix = 0;
  std::int64_t delivered_unix = 0;
  std::int64_t accept_by_unix = 0;  // a handover: escalate when not answered by then
  std::int64_t answered_unix = 0;
  bool escalated = false;
};

class MessageQueue {
 public:
  virtual ~MessageQueue() = default;

  // A transaction id queued before is refused (false): one message, one row.
  [[nodiscard]] virtual std::expected<bool, std::string> enqueue(const QueuedMessage& message) = 0;
  // Several in one transaction (one fsync): per message whether it was queued.
  [[nodiscard]] virtual std::expected<std::vector<bool>, std::string> enqueue_all(
      const std::vector<const QueuedMessage*>& messages) = 0;
  [[nodiscard]] virtual std::expected<std::optional<QueuedMessage>, std::string> find(
      const std::string& transaction_id) = 0;
  // Queued messages due at `now_unix` and not expired, oldest first, each
  // claimed (claim.hpp): due again kClaimSeconds later unless its outcome
  // (delivered, retry_at) is stored first.
  [[nodiscard]] virtual std::expected<std::vector<QueuedMessage>, std::string> due(
      std::int64_t now_unix, std::size_t limit) = 0;
  // A 2xx: a handover waits for its answer until accept_by_unix (the sealed
  // message forgotten all the same: the recipient has it); a plain message is done.
  [[nodiscard]] virtual std::expected<void, std::string> delivered(
      const std::string& transaction_id, std::int64_t now_unix, std::int64_t accept_by_unix) = 0;
  [[nodiscard]] virtual std::expected<void, std::string> retry_at(const std::string& transaction_id,
                                                                  std::int64_t due_unix) = 0;
  // Marks queued (and unanswered handovers) past expires_unix expired,
  // forgetting them; the ones it marked.
  [[nodiscard]] virtual std::expected<std::vector<QueuedMessage>, std::string> expire(
      std::int64_t now_unix) = 0;
  // The recipient's answer to a delivered handover; false when there is no
  // delivered, unanswered handover of that id.
  [[nodiscard]] virtual std::expected<bool, std::string> answer(const std::string& transaction_id,
                                                                bool accepted,
                                                                std::int64_t now_unix) = 0;
  // Delivered handovers past accept_by_unix not yet escalated, marked
  // escalated in the same transaction (one instance escalates each, once).
  [[nodiscard]] virtual std::expected<std::vector<QueuedMessage>, std::string> overdue(
      std::int64_t now_unix) = 0;
  // Handovers not yet answered (queued or delivered), for /metrics and the CLI.
  [[nodiscard]] virtual std::expected<std::vector<QueuedMessage>, std::string> open_handovers() = 0;
  // Deletes the rows of `purpose` that reached an end (a plain message
  // delivered; accepted, declined, expired) whose last event is before
  // `ended_before_unix` — the purpose's retention; how many.
  [[nodiscard]] virtual std::expected<std::int64_t, std::string> forget_ended(
      const std::string& purpose, std::int64_t ended_before_unix) = 0;
};

}  // namespace schakel::region
