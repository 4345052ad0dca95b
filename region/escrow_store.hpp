#pragma once
// Where the re-identification escrow (crypto/escrow.hpp) keeps its entries:
// a sealed BSN under its lookup, never a BSN in clear. An entry once made is
// never replaced (the first seal of a person stays; every later one would
// hold the same BSN). An interface; its implementation runs on SQLite or
// PostgreSQL (sqlite_db.hpp: one Database over both).
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "crypto/escrow.hpp"

namespace schakel::region {

class EscrowStore {
 public:
  virtual ~EscrowStore() = default;
  // Keeps the entries whose lookup is new, in one transaction that survives
  // the process's crash (a power loss may lose the last ones: the next
  // message naming the person by BSN makes them again) — if `lasts`, asked
  // inside that transaction, says re-identification still lasts: a
  // forget_all that commits first is never undone. False: nothing kept.
  [[nodiscard]] virtual std::expected<bool, std::string> keep_all(
      const std::vector<crypto::EscrowEntry>& entries, const std::function<bool()>& lasts) = 0;
  // The sealed BSN kept under `lookup`, or nullopt.
  [[nodiscard]] virtual std::expected<std::optional<std::vector<std::uint8_t>>, std::string> find(
      const crypto::EscrowLookup& lookup) = 0;
  // Forgets every entry (re-identification ended); returns how many there were.
  [[nodiscard]] virtual std::expected<std::int64_t, std::string> forget_all() = 0;
};

}  // namespace schakel::region
