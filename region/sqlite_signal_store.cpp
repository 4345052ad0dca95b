#include "region/sqlite_signal_store.hpp"

#include "region/claim.hpp"

namespace schakel::region {
namespace {

constexpr const char* kSignalColumns =
    "id, partner_oin, purpose, subject_index, contact, registered_on, active_until, withdrawn_on";

Signal signal_of(const Statement& row) {
  return {row.text(0), row.text(1), row.text(2), row.text(3),
          row.text(4), row.text(5), row.text(6), row.optional_text(7)};
}

// One statement that returns no rows, its parameters bound by `bind`.
std::expected<void, std::string> run(Database& db, std::string_view sql,
                                     const std::function<void(Statement&)>& bind) {
  auto statement = db.prepare(sql);
  if (!statement) return std::unexpected(statement.error());
  bind(*statement);
  auto done = statement->step();
  if (!done) return std::unexpected(done.error());
  return {};
}

std::expected<void, std::string> insert_notifications(
    Database& db, const std::vector<Notification>& notifications) {
  for (const auto& n : notifications) {
    auto done = run(db,
                    "INSERT INTO notifications (recipient_oin, kind, body, subject_index, "
                    "reference, held_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    [&](Statement& s) {
                      s.bind(1, n.recipient_oin).bind(2, n.kind).bind(3, n.body);
                      s.bind(4, n.subject_index).bind(5, n.reference);
                      if (n.held_by.empty()) {
                        s.bind_null(6);
                      } else {
                        s.bind(6, n.held_by);
                      }
                    });
    if (!done) return done;
  }
  return {};
}

}  // namespace

std::expected<std::vector<Signal>, std::string> SqliteSignalStore::active_locked(
    const std::string& subject_index, const std::string& today) {
  auto query = db_.prepare(std::string("SELECT ") + kSignalColumns +
                           " FROM signals WHERE subject_index = ?1 AND withdrawn_on IS NULL"
                           " AND active_until >= ?2 ORDER BY registered_on, rowid");
  if (!query) return std::unexpected(query.error());
  query->bind(1, subject_index).bind(2, today);
  std::vector<Signal> out;
  for (;;) {
    auto row = query->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    out.push_back(signal_of(*query));
  }
}

std::expected<Registration, std::string> SqliteSignalStore::register_signal(
    const Signal& signal, const std::function<bool(const Signal& other)>& may_match,
    const std::function<std::vector<Notification>(const Match&, const Signal& other)>& notify) {
  std::lock_guard lock(shared_->mutex);
  Registration out{signal, false, {}};
  auto done = db_.in_write_transaction([&]() -> std::expected<void, std::string> {
    auto active = active_locked(signal.subject_index, signal.registered_on);
    if (!active) return std::unexpected(active.error());
    for (const auto& other : *active) {
      if (other.partner_oin == signal.partner_oin && other.purpose == signal.purpose) {
        out.signal = other;  // renewed: the same involvement, a new contact and end
        out.signal.contact = signal.contact;
        out.signal.active_until = signal.active_until;
        out.renewed = true;
      }
    }
    if (out.renewed) {
      return run(db_, "UPDATE signals SET contact = ?2, active_until = ?3 WHERE id = ?1",
                 [&](Statement& s) {
                   s.bind(1, out.signal.id).bind(2, signal.contact).bind(3, signal.active_until);
                 });
    }
    auto insert = db_.prepare(
        "INSERT INTO signals (id, partner_oin, purpose, subject_index, contact, registered_on, "
        "active_until) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!insert) return std::unexpected(insert.error());
    insert->bind(1, signal.id).bind(2, signal.partner_oin).bind(3, signal.purpose);
    insert->bind(4, signal.subject_index).bind(5, signal.contact);
    insert->bind(6, signal.registered_on).bind(7, signal.active_until);
    if (auto step = insert->step(); !step) return std::unexpected(step.error());
    for (const auto& other : *active) {
      if (other.purpose != signal.purpose || other.partner_oin == signal.partner_oin ||
          !may_match(other)) {
        continue;
      }
      Match match{signal.id + "~" + other.id, other.id, signal.id, signal.registered_on};
      auto add = db_.prepare(
          "INSERT INTO matches (id, signal_a, signal_b, matched_on) "
          "VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING");
      if (!add) return std::unexpected(add.error());
      add->bind(1, match.id)
          .bind(2, match.signal_a)
          .bind(3, match.signal_b)
          .bind(4, match.matched_on);
      if (auto step = add->step(); !step) return std::unexpected(step.error());
      if (db_.changes() == 0) continue;  // matched before: idempotent
      if (auto owed = insert_notifications(db_, notify(match, other)); !owed) return owed;
      out.matches.push_back({std::move(match), other});
    }
    return {};
  });
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<bool, std::string> SqliteSignalStore::withdraw(const std::string& id,
                                                             const std::string& partner_oin,
                                                             const std::string& today) {
  std::lock_guard lock(shared_->mutex);
  auto update = db_.prepare(
      "UPDATE signals SET withdrawn_on = ?3 WHERE id = ?1 AND partner_oin = ?2 "
      "AND withdrawn_on IS NULL AND active_until >= ?3");
  if (!update) return std::unexpected(update.error());
  update->bind(1, id).bind(2, partner_oin).bind(3, today);
  if (auto step = update->step(); !step) return std::unexpected(step.error());
  return db_.changes() > 0;
}

std::expected<std::vector<Signal>, std::string> SqliteSignalStore::active_on(
    const std::string& subject_index, const std::string& today) {
  std::lock_guard lock(shared_->mutex);
  return active_locked(subject_index, today);
}

std::expected<std::optional<Signal>, std::string> SqliteSignalStore::signal_by_id(
    const std::string& id) {
  std::lock_guard lock(shared_->mutex);
  auto query = db_.prepare(std::string("SELECT ") + kSignalColumns + " FROM signals WHERE id = ?1");
  if (!query) return std::unexpected(query.error());
  query->bind(1, id);
  auto row = query->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::nullopt;
  return signal_of(*query);
}

std::expected<std::vector<Notification>, std::string> SqliteSignalStore::due_notifications(
    std::int64_t now_unix, std::size_t limit) {
  std::lock_guard lock(shared_->mutex);
  std::vector<Notification> out;
  auto done = db_.in_write_transaction(
      [&]() -> std::expected<void, std::string> {
        auto query = db_.prepare(
            "SELECT n.id, n.recipient_oin, n.kind, n.body, n.subject_index, n.reference, "
            "n.attempts, n.due_unix FROM notifications n WHERE n.due_unix <= ?1 AND n.held_by "
            "IS NULL ORDER BY n.due_unix, n.id LIMIT ?2");
        if (!query) return std::unexpected(query.error());
        query->bind(1, now_unix).bind(2, static_cast<std::int64_t>(limit));
        for (;;) {
          auto row = query->step();
          if (!row) return std::unexpected(row.error());
          if (!*row) break;
          out.push_back({query->integer(0), query->text(1), query->text(2), query->text(3),
                         query->text(4), query->text(5), static_cast<int>(query->integer(6)),
                         query->integer(7)});
        }
        for (const auto& notification : out) {  // claimed (claim.hpp)
          auto claim = db_.prepare("UPDATE notifications SET due_unix = ?2 WHERE id = ?1");
          if (!claim) return std::unexpected(claim.error());
          claim->bind(1, notification.id).bind(2, now_unix + kClaimSeconds);
          if (auto step = claim->step(); !step) return std::unexpected(step.error());
        }
        return {};
      },
      Database::Durability::kAfterCrash);
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<void, std::string> SqliteSignalStore::owe(
    const std::vector<Notification>& notifications) {
  std::lock_guard lock(shared_->mutex);
  return db_.in_write_transaction([&] { return insert_notifications(db_, notifications); });
}

std::expected<void, std::string> SqliteSignalStore::delivered(std::int64_t id) {
  std::lock_guard lock(shared_->mutex);
  return db_.in_write_transaction(
      [&] {
        return run(db_, "DELETE FROM notifications WHERE id = ?1",
                   [&](Statement& s) { s.bind(1, id); });
      },
      Database::Durability::kAfterCrash);  // lost: delivered once more, the recipient dedupes
}

std::expected<void, std::string> SqliteSignalStore::retry_at(std::int64_t id,
                                                             std::int64_t due_unix) {
  std::lock_guard lock(shared_->mutex);
  return db_.in_write_transaction(
      [&] {
        return run(db_,
                   "UPDATE notifications SET attempts = attempts + 1, due_unix = ?2 WHERE id = ?1",
                   [&](Statement& s) { s.bind(1, id).bind(2, due_unix); });
      },
      Database::Durability::kAfterCrash);  // lost: retried sooner
}

std::expected<std::size_t, std::string> SqliteSignalStore::prune(const std::string& history_from) {
  std::lock_guard lock(shared_->mutex);
  std::size_t removed = 0;
  auto done = db_.in_write_transaction([&]() -> std::expected<void, std::string> {
    auto remove =
        db_.prepare("DELETE FROM signals WHERE COALESCE(withdrawn_on, active_until) < ?1");
    if (!remove) return std::unexpected(remove.error());
    remove->bind(1, history_from);
    if (auto step = remove->step(); !step) return std::unexpected(step.error());
    removed = static_cast<std::size_t>(db_.changes());
    return db_.execute(
        "DELETE FROM notifications WHERE kind = 'match' AND reference NOT LIKE 'peer:%' AND "
        "reference NOT IN (SELECT id FROM matches)");
  });
  if (!done) return std::unexpected(done.error());
  return removed;
}

}  // namespace schakel::region
