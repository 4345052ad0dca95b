#include "region/sqlite_message_queue.hpp"

#include "region/claim.hpp"

namespace schakel::region {
namespace {

constexpr const char* kColumns =
    "transaction_id, sender_oin, recipient_oin, purpose, subject_token, decision_sequence, "
    "handover, sealed, status, attempts, queued_unix, due_unix, expires_unix, delivered_unix, "
    "accept_by_unix, answered_unix, escalated";

QueuedMessage message_of(const Statement& row) {
  QueuedMessage out;
  out.transaction_id = row.text(0);
  out.sender_oin = row.text(1);
  out.recipient_oin = row.text(2);
  out.purpose = row.text(3);
  out.subject_token = row.text(4);
  out.decision_sequence = static_cast<std::uint64_t>(row.integer(5));
  out.handover = row.integer(6) != 0;
  out.sealed = row.blob(7);
  out.status = row.text(8);
  out.attempts = static_cast<int>(row.integer(9));
  out.queued_unix = row.integer(10);
  out.due_unix = row.integer(11);
  out.expires_unix = row.integer(12);
  out.delivered_unix = row.integer(13);
  out.accept_by_unix = row.integer(14);
  out.answered_unix = row.integer(15);
  out.escalated = row.integer(16) != 0;
  return out;
}

}  // namespace

std::expected<std::vector<QueuedMessage>, std::string> SqliteMessageQueue::select(
    const std::string& where, const std::function<void(Statement&)>& bind) {
  auto query = db_.prepare(std::string("SELECT ") + kColumns + " FROM queued_messages " + where);
  if (!query) return std::unexpected(query.error());
  bind(*query);
  std::vector<QueuedMessage> out;
  for (;;) {
    auto row = query->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    out.push_back(message_of(*query));
  }
}

std::expected<std::int64_t, std::string> SqliteMessageQueue::change(
    const std::string& sql, const std::function<void(Statement&)>& bind) {
  std::int64_t changed = 0;
  auto done = db_.in_write_transaction(
      [&]() -> std::expected<void, std::string> {
        auto statement = db_.prepare(sql);
        if (!statement) return std::unexpected(statement.error());
        bind(*statement);
        if (auto step = statement->step(); !step) return std::unexpected(step.error());
        changed = db_.changes();
        return {};
      },
      Database::Durability::kAfterCrash);
  if (!done) return std::unexpected(done.error());
  return changed;
}

std::expected<bool, std::string> SqliteMessageQueue::enqueue(const QueuedMessage& message) {
  auto added = enqueue_all({&message});
  if (!added) return std::unexpected(added.error());
  return added->front();
}

std::expected<std::vector<bool>, std::string> SqliteMessageQueue::enqueue_all(
    const std::vector<const QueuedMessage*>& messages) {
  std::lock_guard lock(shared_->mutex);
  std::vector<bool> added;
  auto done = db_.in_write_transaction([&]() -> std::expected<void, std::string> {
    added.clear();
    for (const QueuedMessage* message : messages) {
      const QueuedMessage& m = *message;
      auto insert = db_.prepare(std::string("INSERT INTO queued_messages (") + kColumns +
                                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                                "?13, ?14, ?15, ?16, ?17) ON CONFLICT DO NOTHING");
      if (!insert) return std::unexpected(insert.error());
      insert->bind(1, m.transaction_id).bind(2, m.sender_oin).bind(3, m.recipient_oin);
      insert->bind(4, m.purpose).bind(5, m.subject_token);
      insert->bind(6, static_cast<std::int64_t>(m.decision_sequence));
      insert->bind(7, std::int64_t{m.handover ? 1 : 0}).bind_blob(8, m.sealed);
      insert->bind(9, m.status).bind(10, std::int64_t{m.attempts}).bind(11, m.queued_unix);
      insert->bind(12, m.due_unix).bind(13, m.expires_unix).bind(14, m.delivered_unix);
      insert->bind(15, m.accept_by_unix).bind(16, m.answered_unix);
      insert->bind(17, std::int64_t{m.escalated ? 1 : 0});
      if (auto step = insert->step(); !step) return std::unexpected(step.error());
      added.push_back(db_.changes() > 0);
    }
    return {};
  });
  if (!done) return std::unexpected(done.error());
  return added;
}

std::expected<std::optional<QueuedMessage>, std::string> SqliteMessageQueue::find(
    const std::string& transaction_id) {
  std::lock_guard lock(shared_->mutex);
  auto found =
      select("WHERE transaction_id = ?1", [&](Statement& s) { s.bind(1, transaction_id); });
  if (!found) return std::unexpected(found.error());
  if (found->empty()) return std::nullopt;
  return std::move(found->front());
}

std::expected<std::vector<QueuedMessage>, std::string> SqliteMessageQueue::due(
    std::int64_t now_unix, std::size_t limit) {
  std::lock_guard lock(shared_->mutex);
  std::vector<QueuedMessage> out;
  auto done = db_.in_write_transaction(
      [&]() -> std::expected<void, std::string> {
        auto found = select(
            "WHERE status = 'queued' AND due_unix <= ?1 AND expires_unix > ?1 "
            "ORDER BY due_unix, queued_unix LIMIT ?2",
            [&](Statement& s) { s.bind(1, now_unix).bind(2, static_cast<std::int64_t>(limit)); });
        if (!found) return std::unexpected(found.error());
        for (const auto& message : *found) {
          auto claimed =
              change("UPDATE queued_messages SET due_unix = ?2 WHERE transaction_id = ?1",
                     [&](Statement& s) {
                       s.bind(1, message.transaction_id).bind(2, now_unix + kClaimSeconds);
                     });
          if (!claimed) return std::unexpected(claimed.error());
        }
        out = std::move(*found);
        return {};
      },
      Database::Durability::kAfterCrash);
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<void, std::string> SqliteMessageQueue::delivered(const std::string& transaction_id,
                                                               std::int64_t now_unix,
                                                               std::int64_t accept_by_unix) {
  std::lock_guard lock(shared_->mutex);
  auto done = change(
      "UPDATE queued_messages SET status = 'delivered', sealed = NULL, attempts = attempts + 1, "
      "delivered_unix = ?2, accept_by_unix = ?3 WHERE transaction_id = ?1 AND status = 'queued'",
      [&](Statement& s) { s.bind(1, transaction_id).bind(2, now_unix).bind(3, accept_by_unix); });
  if (!done) return std::unexpected(done.error());
  return {};
}

std::expected<void, std::string> SqliteMessageQueue::retry_at(const std::string& transaction_id,
                                                              std::int64_t due_unix) {
  std::lock_guard lock(shared_->mutex);
  auto done = change(
      "UPDATE queued_messages SET attempts = attempts + 1, due_unix = ?2 "
      "WHERE transaction_id = ?1 AND status = 'queued'",
      [&](Statement& s) { s.bind(1, transaction_id).bind(2, due_unix); });
  if (!done) return std::unexpected(done.error());
  return {};
}

std::expected<std::vector<QueuedMessage>, std::string> SqliteMessageQueue::expire(
    std::int64_t now_unix) {
  std::lock_guard lock(shared_->mutex);
  const std::string open =
      "(status = 'queued' OR (status = 'delivered' AND handover = 1 AND answered_unix = 0))";
  auto ending = select("WHERE " + open + " AND expires_unix <= ?1",
                       [&](Statement& s) { s.bind(1, now_unix); });
  if (!ending || ending->empty()) return ending;
  auto done = change(
      "UPDATE queued_messages SET status = 'expired', sealed = NULL, "
      "answered_unix = ?1 WHERE " +
          open + " AND expires_unix <= ?1",
      [&](Statement& s) { s.bind(1, now_unix); });
  if (!done) return std::unexpected(done.error());
  for (auto& message : *ending) message.status = "expired";
  return ending;
}

std::expected<bool, std::string> SqliteMessageQueue::answer(const std::string& transaction_id,
                                                            bool accepted, std::int64_t now_unix) {
  std::lock_guard lock(shared_->mutex);
  auto done = change(
      "UPDATE queued_messages SET status = ?2, answered_unix = ?3 WHERE transaction_id = ?1 "
      "AND status = 'delivered' AND handover = 1 AND answered_unix = 0",
      [&](Statement& s) {
        s.bind(1, transaction_id).bind(2, accepted ? "accepted" : "declined").bind(3, now_unix);
      });
  if (!done) return std::unexpected(done.error());
  return *done > 0;
}

std::expected<std::vector<QueuedMessage>, std::string> SqliteMessageQueue::overdue(
    std::int64_t now_unix) {
  std::lock_guard lock(shared_->mutex);
  const std::string waiting =
      "status = 'delivered' AND handover = 1 AND answered_unix = 0 AND escalated = 0 "
      "AND accept_by_unix <= ?1";
  std::vector<QueuedMessage> late;
  auto done = db_.in_write_transaction([&]() -> std::expected<void, std::string> {
    auto found = select("WHERE " + waiting, [&](Statement& s) { s.bind(1, now_unix); });
    if (!found) return std::unexpected(found.error());
    if (found->empty()) return {};
    auto marked = change("UPDATE queued_messages SET escalated = 1 WHERE " + waiting,
                         [&](Statement& s) { s.bind(1, now_unix); });
    if (!marked) return std::unexpected(marked.error());
    late = std::move(*found);
    return {};
  });
  if (!done) return std::unexpected(done.error());
  return late;
}

std::expected<std::vector<QueuedMessage>, std::string> SqliteMessageQueue::open_handovers() {
  std::lock_guard lock(shared_->mutex);
  return select(
      "WHERE handover = 1 AND (status = 'queued' OR (status = 'delivered' AND answered_unix = "
      "0)) ORDER BY queued_unix",
      [](Statement&) {});
}

std::expected<std::int64_t, std::string> SqliteMessageQueue::forget_ended(
    const std::string& purpose, std::int64_t ended_before_unix) {
  std::lock_guard lock(shared_->mutex);
  return change(
      "DELETE FROM queued_messages WHERE purpose = ?1 AND (status IN ('accepted', 'declined', "
      "'expired') OR (status = 'delivered' AND handover = 0)) AND queued_unix < ?2 AND "
      "delivered_unix < ?2 AND answered_unix < ?2 AND (status <> 'expired' OR expires_unix < ?2)",
      [&](Statement& statement) { statement.bind(1, purpose).bind(2, ended_before_unix); });
}

}  // namespace schakel::region
