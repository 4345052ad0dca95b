#include "region/sqlite_record_outbox.hpp"

#include "region/claim.hpp"

#include <ctime>

namespace schakel::region {
std::expected<bool, std::string> SqliteRecordOutbox::in_change(const Change& change,
                                                               bool after_crash) {
  std::lock_guard lock(shared_->mutex);
  auto& db = shared_->db;
  bool refused = false;
  auto done = db.in_write_transaction(
      [&]() -> std::expected<void, std::string> {
        auto held = change();
        refused = !held;
        if (refused) return std::unexpected(std::string("the change was refused"));
        for (const auto& record : *held) {
          auto insert = db.prepare(
              "INSERT INTO record_outbox (hold_key, record, held_unix) VALUES (?1, ?2, ?3)");
          if (!insert) return std::unexpected(insert.error());
          insert->bind(1, record.hold_key).bind(2, record.record);
          insert->bind(3, static_cast<std::int64_t>(std::time(nullptr)));
          if (auto step = insert->step(); !step) return std::unexpected(step.error());
        }
        return {};
      },
      after_crash ? Database::Durability::kAfterCrash : Database::Durability::kFull);
  if (done) return true;
  if (refused) return false;
  return std::unexpected(done.error());
}

std::expected<void, std::string> SqliteRecordOutbox::settle(const std::string& hold_key) {
  std::lock_guard lock(shared_->mutex);
  auto& db = shared_->db;
  // Lost in a power loss: the record is replayed once more (marked so).
  return db.in_write_transaction(
      [&]() -> std::expected<void, std::string> {
        for (const char* sql : {"DELETE FROM record_outbox WHERE hold_key = ?1",
                                "UPDATE notifications SET held_by = NULL WHERE held_by = ?1"}) {
          auto statement = db.prepare(sql);
          if (!statement) return std::unexpected(statement.error());
          statement->bind(1, hold_key);
          if (auto step = statement->step(); !step) return std::unexpected(step.error());
        }
        return {};
      },
      Database::Durability::kAfterCrash);
}

std::expected<void, std::string> SqliteRecordOutbox::retry_later(
    const std::vector<std::string>& hold_keys) {
  std::lock_guard lock(shared_->mutex);
  auto& db = shared_->db;
  return db.in_write_transaction([&]() -> std::expected<void, std::string> {
    for (const auto& key : hold_keys) {
      auto update = db.prepare("UPDATE record_outbox SET retry = 1 WHERE hold_key = ?1");
      if (!update) return std::unexpected(update.error());
      update->bind(1, key);
      if (auto step = update->step(); !step) return std::unexpected(step.error());
    }
    return {};
  });
}

std::expected<void, std::string> SqliteRecordOutbox::after_restart() {
  std::lock_guard lock(shared_->mutex);
  if (shared_->db.postgresql()) return {};  // shared by live instances (record_outbox.hpp)
  return shared_->db.execute(
      "UPDATE record_outbox SET retry = 1, after_restart = 1 WHERE retry = 0 OR retry = 1");
}

std::expected<std::vector<HeldRecord>, std::string> SqliteRecordOutbox::to_replay(
    std::int64_t now_unix, std::size_t limit) {
  std::lock_guard lock(shared_->mutex);
  auto& db = shared_->db;
  std::vector<HeldRecord> out;
  auto done = db.in_write_transaction(
      [&]() -> std::expected<void, std::string> {
        auto query = db.prepare(
            "SELECT hold_key, record, after_restart FROM record_outbox WHERE retry = 1 "
            "OR (retry = 0 AND held_unix < ?2) ORDER BY rowid LIMIT ?1");
        if (!query) return std::unexpected(query.error());
        query->bind(1, static_cast<std::int64_t>(limit)).bind(2, now_unix - kReplayAfterSeconds);
        for (;;) {
          auto row = query->step();
          if (!row) return std::unexpected(row.error());
          if (!*row) break;
          out.push_back({query->text(0), query->text(1), query->integer(2) != 0});
        }
        for (const auto& held : out) {  // claimed (claim.hpp): one instance replays it
          auto claim =
              db.prepare("UPDATE record_outbox SET retry = 0, held_unix = ?2 WHERE hold_key = ?1");
          if (!claim) return std::unexpected(claim.error());
          claim->bind(1, held.hold_key).bind(2, now_unix - kReplayAfterSeconds + kClaimSeconds);
          if (auto step = claim->step(); !step) return std::unexpected(step.error());
        }
        return {};
      },
      Database::Durability::kAfterCrash);
  if (!done) return std::unexpected(done.error());
  return out;
}

std::expected<bool, std::string> SqliteRecordOutbox::holds(const std::string& hold_key) {
  std::lock_guard lock(shared_->mutex);
  auto query = shared_->db.prepare("SELECT 1 FROM record_outbox WHERE hold_key = ?1");
  if (!query) return std::unexpected(query.error());
  query->bind(1, hold_key);
  return query->step();
}

// retry = 2: neither marked for replay nor old enough to be picked up.
std::expected<void, std::string> SqliteRecordOutbox::quarantine(const std::string& hold_key) {
  std::lock_guard lock(shared_->mutex);
  auto update = shared_->db.prepare("UPDATE record_outbox SET retry = 2 WHERE hold_key = ?1");
  if (!update) return std::unexpected(update.error());
  update->bind(1, hold_key);
  if (auto step = update->step(); !step) return std::unexpected(step.error());
  return {};
}

std::expected<void, std::string> SqliteRecordOutbox::remember(const RememberedAnswer& answer) {
  std::lock_guard lock(shared_->mutex);
  auto insert = shared_->db.prepare(
      "INSERT INTO answers (transaction_id, sender_oin, request, status, body, answered_unix) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!insert) return std::unexpected(insert.error());
  insert->bind(1, answer.transaction_id).bind(2, answer.sender_oin).bind(3, answer.request);
  insert->bind(4, std::int64_t{answer.status}).bind(5, answer.body).bind(6, answer.answered_unix);
  if (auto step = insert->step(); !step) return std::unexpected(step.error());
  return {};
}

std::expected<std::optional<RememberedAnswer>, std::string> SqliteRecordOutbox::recall(
    const std::string& transaction_id) {
  std::lock_guard lock(shared_->mutex);
  auto query = shared_->db.prepare(
      "SELECT transaction_id, sender_oin, request, status, body, answered_unix FROM answers "
      "WHERE transaction_id = ?1");
  if (!query) return std::unexpected(query.error());
  query->bind(1, transaction_id);
  auto row = query->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::nullopt;
  return RememberedAnswer{query->text(0), query->text(1),
                          query->text(2), static_cast<int>(query->integer(3)),
                          query->text(4), query->integer(5)};
}

std::expected<std::int64_t, std::string> SqliteRecordOutbox::forget_answers(
    std::int64_t before_unix) {
  std::lock_guard lock(shared_->mutex);
  auto remove = shared_->db.prepare("DELETE FROM answers WHERE answered_unix < ?1");
  if (!remove) return std::unexpected(remove.error());
  remove->bind(1, before_unix);
  if (auto step = remove->step(); !step) return std::unexpected(step.error());
  return shared_->db.changes();
}

}  // namespace schakel::region
