#include "region/sqlite_escrow_store.hpp"

namespace schakel::region {

std::expected<bool, std::string> SqliteEscrowStore::keep_all(
    const std::vector<crypto::EscrowEntry>& entries, const std::function<bool()>& lasts) {
  std::lock_guard lock(shared_->mutex);
  bool kept = false;
  auto done = db_.in_write_transaction(
      [&]() -> std::expected<void, std::string> {
        kept = lasts();
        if (!kept) return {};
        for (const auto& entry : entries) {
          auto insert = db_.prepare(
              "INSERT INTO escrow (lookup, sealed) VALUES (?1, ?2) ON CONFLICT DO NOTHING");
          if (!insert) return std::unexpected(insert.error());
          insert->bind_blob(1, entry.lookup).bind_blob(2, entry.sealed);
          if (auto step = insert->step(); !step) return std::unexpected(step.error());
        }
        return {};
      },
      Database::Durability::kAfterCrash);
  if (!done) return std::unexpected(done.error());
  return kept;
}

std::expected<std::optional<std::vector<std::uint8_t>>, std::string> SqliteEscrowStore::find(
    const crypto::EscrowLookup& lookup) {
  std::lock_guard lock(shared_->mutex);
  auto query = db_.prepare("SELECT sealed FROM escrow WHERE lookup = ?1");
  if (!query) return std::unexpected(query.error());
  query->bind_blob(1, lookup);
  auto row = query->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::nullopt;
  return query->blob(0);
}

std::expected<std::int64_t, std::string> SqliteEscrowStore::forget_all() {
  std::lock_guard lock(shared_->mutex);
  std::int64_t forgotten = 0;
  auto done = db_.in_write_transaction([&]() -> std::expected<void, std::string> {
    if (auto deleted = db_.execute("DELETE FROM escrow"); !deleted) return deleted;
    forgotten = db_.changes();
    return {};
  });
  if (!done) return std::unexpected(done.error());
  return forgotten;
}

}  // namespace schakel::region
