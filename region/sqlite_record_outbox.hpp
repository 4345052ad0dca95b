#pragma once
// RecordOutbox in the region's SQLite file (table record_outbox,
// region_schema.cpp), on the connection the stores share: in_change() is the
// outer transaction, the stores' writes inside it savepoints.
#include <memory>

#include "region/record_outbox.hpp"
#include "region/sqlite_db.hpp"

namespace schakel::region {

class SqliteRecordOutbox final : public RecordOutbox {
 public:
  explicit SqliteRecordOutbox(std::shared_ptr<SharedDatabase> shared)
      : shared_(std::move(shared)) {}

  [[nodiscard]] std::expected<bool, std::string> in_change(const Change& change,
                                                           bool after_crash = false) override;
  [[nodiscard]] std::expected<void, std::string> settle(const std::string& hold_key) override;
  [[nodiscard]] std::expected<void, std::string> retry_later(
      const std::vector<std::string>& hold_keys) override;
  [[nodiscard]] std::expected<void, std::string> after_restart() override;
  [[nodiscard]] std::expected<std::vector<HeldRecord>, std::string> to_replay(
      std::int64_t now_unix, std::size_t limit) override;
  [[nodiscard]] std::expected<bool, std::string> holds(const std::string& hold_key) override;
  [[nodiscard]] std::expected<void, std::string> quarantine(const std::string& hold_key) override;
  [[nodiscard]] std::expected<void, std::string> remember(const RememberedAnswer& answer) override;
  [[nodiscard]] std::expected<std::optional<RememberedAnswer>, std::string> recall(
      const std::string& transaction_id) override;
  [[nodiscard]] std::expected<std::int64_t, std::string> forget_answers(
      std::int64_t before_unix) override;

 private:
  std::shared_ptr<SharedDatabase> shared_;
};

}  // namespace schakel::region
