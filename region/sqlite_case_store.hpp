#pragma once
// CaseStore in the region's SQLite file (DATA/region.sqlite, table cases):
// one row per case, its document as JSON; WAL, synchronous=FULL,
// secure_delete. On the connection the region's stores share (SharedDatabase).
#include <memory>

#include "region/case_store.hpp"
#include "region/sqlite_db.hpp"

namespace schakel::region {

class SqliteCaseStore final : public CaseStore {
 public:
  explicit SqliteCaseStore(std::shared_ptr<SharedDatabase> shared)
      : shared_(std::move(shared)), db_(shared_->db) {}

  [[nodiscard]] std::expected<void, std::string> create(const Case& value) override;
  [[nodiscard]] std::expected<std::optional<Case>, std::string> load(
      const std::string& id) override;
  [[nodiscard]] std::expected<std::optional<Case>, std::string> update(
      const std::string& id, const std::function<bool(Case&)>& change) override;
  [[nodiscard]] std::expected<std::size_t, std::string> prune_closed(
      const std::string& purpose, const std::string& closed_before) override;

 private:
  [[nodiscard]] std::expected<std::optional<Case>, std::string> load_locked(const std::string& id);

  std::shared_ptr<SharedDatabase> shared_;
  Database& db_;
};

}  // namespace schakel::region
