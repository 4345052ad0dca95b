#pragma once
// SignalStore in the region's SQLite file beside the trail
// (DATA/region.sqlite, tables signals, matches, notifications), WAL and
// synchronous=FULL: a registration is durable when its transaction commits.
// On the connection the region's stores share (SharedDatabase); every lock
// wait bounded by the busy timeout.
#include <memory>

#include "region/signal_store.hpp"
#include "region/sqlite_db.hpp"

namespace schakel::region {

class SqliteSignalStore final : public SignalStore {
 public:
  explicit SqliteSignalStore(std::shared_ptr<SharedDatabase> shared)
      : shared_(std::move(shared)), db_(shared_->db) {}

  [[nodiscard]] std::expected<Registration, std::string> register_signal(
      const Signal& signal, const std::function<bool(const Signal& other)>& may_match,
      const std::function<std::vector<Notification>(const Match&, const Signal& other)>& notify)
      override;
  [[nodiscard]] std::expected<bool, std::string> withdraw(const std::string& id,
                                                          const std::string& partner_oin,
                                                          const std::string& today) override;
  [[nodiscard]] std::expected<std::vector<Signal>, std::string> active_on(
      const std::string& subject_index, const std::string& today) override;
  [[nodiscard]] std::expected<std::optional<Signal>, std::string> signal_by_id(
      const std::string& id) override;
  [[nodiscard]] std::expected<std::vector<Notification>, std::string> due_notifications(
      std::int64_t now_unix, std::size_t limit) override;
  [[nodiscard]] std::expected<void, std::string> owe(
      const std::vector<Notification>& notifications) override;
  [[nodiscard]] std::expected<void, std::string> delivered(std::int64_t id) override;
  [[nodiscard]] std::expected<void, std::string> retry_at(std::int64_t id,
                                                          std::int64_t due_unix) override;
  [[nodiscard]] std::expected<std::size_t, std::string> prune(
      const std::string& history_from) override;

 private:
  [[nodiscard]] std::expected<std::vector<Signal>, std::string> active_locked(
      const std::string& subject_index, const std::string& today);

  std::shared_ptr<SharedDatabase> shared_;
  Database& db_;
};

}  // namespace schakel::region
