#pragma once
// SignalStore in an SQLite file of its own beside the trail (DATA/region.sqlite),
// WAL and synchronous=FULL: a registration is durable when register_signal
// returns. One connection behind a mutex; every lock wait bounded by the
// busy timeout.
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>

#include "region/signal_store.hpp"
#include "region/sqlite_db.hpp"

namespace schakel::region {

class SqliteSignalStore final : public SignalStore {
 public:
  [[nodiscard]] static std::expected<std::unique_ptr<SqliteSignalStore>, std::string> open(
      const std::filesystem::path& file, std::chrono::milliseconds busy_timeout);

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
  [[nodiscard]] std::expected<std::vector<Match>, std::string> unaudited_matches() override;
  [[nodiscard]] std::expected<void, std::string> mark_audited(
      const std::vector<std::string>& match_ids) override;
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
  explicit SqliteSignalStore(Database db) : db_(std::move(db)) {}
  [[nodiscard]] std::expected<std::vector<Signal>, std::string> active_locked(
      const std::string& subject_index, const std::string& today);

  std::mutex mutex_;
  Database db_;
};

}  // namespace schakel::region
