#pragma once
// CaseStore in the region's SQLite file (DATA/region.sqlite, table cases):
// one row per case, its document as JSON; WAL, synchronous=FULL,
// secure_delete. One connection behind a mutex.
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>

#include "region/case_store.hpp"
#include "region/sqlite_db.hpp"

namespace schakel::region {

class SqliteCaseStore final : public CaseStore {
 public:
  [[nodiscard]] static std::expected<std::unique_ptr<SqliteCaseStore>, std::string> open(
      const std::filesystem::path& file, std::chrono::milliseconds busy_timeout);

  [[nodiscard]] std::expected<void, std::string> create(const Case& value) override;
  [[nodiscard]] std::expected<std::optional<Case>, std::string> load(
      const std::string& id) override;
  [[nodiscard]] std::expected<std::optional<Case>, std::string> update(
      const std::string& id, const std::function<bool(Case&)>& change) override;

 private:
  explicit SqliteCaseStore(Database db) : db_(std::move(db)) {}
  [[nodiscard]] std::expected<std::optional<Case>, std::string> load_locked(const std::string& id);

  std::mutex mutex_;
  Database db_;
};

}  // namespace schakel::region
