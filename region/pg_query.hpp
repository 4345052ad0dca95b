#pragma once
// A statement of a PostgreSQL Database (sqlite_db.hpp): the SQL with `?N`
// turned into `$N`, its parameters as bound, and its result once stepped.
// Internal to the region's Database and Statement.
#include <optional>
#include <string>
#include <vector>

#include "region/sqlite_db.hpp"

namespace schakel::region {

struct PgQuery {
  Database* owner = nullptr;
  std::string sql;
  std::vector<std::optional<std::string>> values;
  std::vector<bool> binary;
  std::optional<pg::Result> result;
  int row = -1;

  void bind(int index, std::optional<std::string> value, bool is_binary);
  [[nodiscard]] std::expected<bool, std::string> step();
  [[nodiscard]] std::string text(int column) const;
  [[nodiscard]] std::optional<std::string> optional_text(int column) const;
  [[nodiscard]] std::int64_t integer(int column) const;
  [[nodiscard]] std::vector<std::uint8_t> blob(int column) const;
};

// `?N` -> `$N`, a bare `?` -> the next `$k`, outside quoted literals.
[[nodiscard]] std::string postgresql_parameters(std::string_view sql);

}  // namespace schakel::region
