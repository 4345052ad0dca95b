#pragma once
// MessageQueue in the region's SQLite file (table queued_messages,
// region_schema.cpp), on the connection the region's stores share. An
// enqueue is durable when it returns (synchronous=FULL); the delivery
// bookkeeping (delivered, retry_at, expire, answer, overdue) commits at
// Durability::kAfterCrash — survives the process's crash at once; after a
// power loss it may repeat a delivery, which carries the same transaction id.
#include <memory>

#include "region/message_queue.hpp"
#include "region/sqlite_db.hpp"

namespace schakel::region {

class SqliteMessageQueue final : public MessageQueue {
 public:
  explicit SqliteMessageQueue(std::shared_ptr<SharedDatabase> shared)
      : shared_(std::move(shared)), db_(shared_->db) {}

  [[nodiscard]] std::expected<bool, std::string> enqueue(const QueuedMessage& message) override;
  [[nodiscard]] std::expected<std::vector<bool>, std::string> enqueue_all(
      const std::vector<const QueuedMessage*>& messages) override;
  [[nodiscard]] std::expected<std::optional<QueuedMessage>, std::string> find(
      const std::string& transaction_id) override;
  [[nodiscard]] std::expected<std::vector<QueuedMessage>, std::string> due(
      std::int64_t now_unix, std::size_t limit) override;
  [[nodiscard]] std::expected<void, std::string> delivered(const std::string& transaction_id,
                                                           std::int64_t now_unix,
                                                           std::int64_t accept_by_unix) override;
  [[nodiscard]] std::expected<void, std::string> retry_at(const std::string& transaction_id,
                                                          std::int64_t due_unix) override;
  [[nodiscard]] std::expected<std::vector<QueuedMessage>, std::string> expire(
      std::int64_t now_unix) override;
  [[nodiscard]] std::expected<bool, std::string> answer(const std::string& transaction_id,
                                                        bool accepted,
                                                        std::int64_t now_unix) override;
  [[nodiscard]] std::expected<std::vector<QueuedMessage>, std::string> overdue(
      std::int64_t now_unix) override;
  [[nodiscard]] std::expected<std::vector<QueuedMessage>, std::string> open_handovers() override;
  [[nodiscard]] std::expected<std::int64_t, std::string> forget_ended(
      const std::string& purpose, std::int64_t ended_before_unix) override;

 private:
  [[nodiscard]] std::expected<std::vector<QueuedMessage>, std::string> select(
      const std::string& where, const std::function<void(Statement&)>& bind);
  [[nodiscard]] std::expected<std::int64_t, std::string> change(
      const std::string& sql, const std::function<void(Statement&)>& bind);

  std::shared_ptr<SharedDatabase> shared_;
  Database& db_;
};

}  // namespace schakel::region
