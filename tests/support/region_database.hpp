#pragma once
// The region's database for the region's store tests: SQLite in `dir`, or —
// with SCHAKEL_TEST_REGION_STORE=postgresql (ctest region_postgresql_tests) —
// the test program's PostgreSQL server (tests/support/postgres.hpp), its
// tables dropped at the first open for `dir` (a second open for the same
// `dir` is a restart: it keeps them), so the same tests prove both stores.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "region/sqlite_db.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/postgres.hpp"

namespace schakel::testing {

inline bool region_tests_on_postgresql() {
  const char* store = std::getenv("SCHAKEL_TEST_REGION_STORE");
  return store != nullptr && std::string(store) == "postgresql";
}

inline std::expected<std::shared_ptr<region::SharedDatabase>, std::string> open_test_region(
    const std::filesystem::path& dir) {
  if (!region_tests_on_postgresql()) {
    return region::open_region_database(dir / "region.sqlite", std::chrono::seconds(2));
  }
  auto* server = Postgres::shared();
  if (server == nullptr) return std::unexpected("no PostgreSQL: " + Postgres::why_not());
  const auto opened = dir / "postgresql-tables";
  if (!std::filesystem::exists(opened)) {
    server->drop_tables();
    write_file(opened, "");
  }
  return region::open_region_postgresql(server->options(), std::chrono::seconds(2));
}

// Every byte the region's store holds: the files in `dir`, or a dump of the database.
inline std::string region_store_bytes(const std::filesystem::path& dir) {
  if (region_tests_on_postgresql()) {
    return run_command((source_dir() / "scripts/pg-local.sh").string() + " dump '" +
                       Postgres::shared()->dir().string() + "' 2>/dev/null")
        .out;
  }
  std::string bytes;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    bytes += read_file(entry.path());
  return bytes;
}

}  // namespace schakel::testing
