// The escrow's entries in the region's SQLite file (issue 15): one per
// lookup, the first kept; found by lookup; all forgotten when
// re-identification ends.
#include "region/sqlite_escrow_store.hpp"

#include <gtest/gtest.h>

#include "tests/support/paths.hpp"
#include "tests/support/region_database.hpp"

namespace schakel::region {
namespace {

crypto::EscrowEntry entry(std::uint8_t lookup, std::uint8_t sealed) {
  crypto::EscrowEntry out;
  out.lookup.fill(lookup);
  out.sealed = {sealed, sealed, sealed};
  return out;
}

TEST(EscrowStore, KeepsTheFirstEntryPerLookupAndForgetsAllAtTheEnd) {
  testing::TempDir dir;
  auto opened = testing::open_test_region(dir.path());
  ASSERT_TRUE(opened.has_value()) << opened.error();
  SqliteEscrowStore store(*opened);
  const auto lasting = [] { return true; };
  ASSERT_TRUE(store.keep_all({entry(1, 10), entry(2, 20)}, lasting).value());
  ASSERT_TRUE(store.keep_all({entry(1, 11)}, lasting).value());
  EXPECT_FALSE(store.keep_all({entry(3, 30)}, [] { return false; }).value())
      << "ended: nothing kept";
  EXPECT_FALSE(store.find(entry(3, 0).lookup).value().has_value());
  auto first = store.find(entry(1, 0).lookup);
  ASSERT_TRUE(first.has_value()) << first.error();
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ(**first, (std::vector<std::uint8_t>{10, 10, 10})) << "never replaced";
  EXPECT_FALSE(store.find(entry(3, 0).lookup).value().has_value());
  auto forgotten = store.forget_all();
  ASSERT_TRUE(forgotten.has_value()) << forgotten.error();
  EXPECT_EQ(*forgotten, 2);
  EXPECT_FALSE(store.find(entry(2, 0).lookup).value().has_value());
}

}  // namespace
}  // namespace schakel::region
