#pragma once
// EscrowStore in the region's SQLite file (table escrow, region_schema.cpp),
// on the connection the region's stores share.
#include <memory>

#include "region/escrow_store.hpp"
#include "region/sqlite_db.hpp"

namespace schakel::region {

class SqliteEscrowStore final : public EscrowStore {
 public:
  explicit SqliteEscrowStore(std::shared_ptr<SharedDatabase> shared)
      : shared_(std::move(shared)), db_(shared_->db) {}

  [[nodiscard]] std::expected<bool, std::string> keep_all(
      const std::vector<crypto::EscrowEntry>& entries, const std::function<bool()>& lasts) override;
  [[nodiscard]] std::expected<std::optional<std::vector<std::uint8_t>>, std::string> find(
      const crypto::EscrowLookup& lookup) override;
  [[nodiscard]] std::expected<std::int64_t, std::string> forget_all() override;

 private:
  std::shared_ptr<SharedDatabase> shared_;
  Database& db_;
};

}  // namespace schakel::region
