// The region's Database on PostgreSQL (issue 17) when its session is lost —
// the server restarted, a standby promoted: outside a transaction the next
// call opens a new session; inside one, the rest of the work fails and
// nothing of it stays (the server rolled it back), never going on in a new
// session outside the transaction.
#include <gtest/gtest.h>

#include "region/sqlite_escrow_store.hpp"
#include "tests/support/postgres.hpp"

namespace schakel::region {
namespace {

using testing::Postgres;

class RegionOnPostgresqlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = Postgres::shared();
    if (server_ == nullptr) GTEST_SKIP() << Postgres::why_not();
    server_->drop_tables();
    auto opened = open_region_postgresql(server_->options(), std::chrono::seconds(2));
    ASSERT_TRUE(opened.has_value()) << opened.error();
    shared_ = *opened;
  }
  void restart_server() const {
    ASSERT_EQ(server_->run("stop"), 0);
    ASSERT_EQ(server_->run("start"), 0);
  }
  static crypto::EscrowEntry entry(std::uint8_t lookup) {
    crypto::EscrowEntry out;
    out.lookup.fill(lookup);
    out.sealed = {lookup, 0, 1};
    return out;
  }

  Postgres* server_ = nullptr;
  std::shared_ptr<SharedDatabase> shared_;
};

TEST_F(RegionOnPostgresqlTest, ALostSessionIsOpenedAnewAtTheNextCall) {
  SqliteEscrowStore store(shared_);
  ASSERT_TRUE(store.keep_all({entry(1)}, [] { return true; }).value());
  restart_server();
  auto first = store.find(entry(1).lookup);  // may be the call that finds the session lost
  auto found = first.has_value() ? first : store.find(entry(1).lookup);
  ASSERT_TRUE(found.has_value()) << found.error();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, entry(1).sealed);
}

TEST_F(RegionOnPostgresqlTest, ASessionLostInsideATransactionFailsTheRestOfItsWork) {
  auto& db = shared_->db;
  auto done = db.in_write_transaction([&]() -> std::expected<void, std::string> {
    auto insert = db.prepare("INSERT INTO escrow (lookup, sealed) VALUES (?1, ?2)");
    if (!insert) return std::unexpected(insert.error());
    const auto one = entry(7);
    insert->bind_blob(1, one.lookup).bind_blob(2, one.sealed);
    if (auto step = insert->step(); !step) return std::unexpected(step.error());
    restart_server();
    auto second = db.prepare("INSERT INTO escrow (lookup, sealed) VALUES (?1, ?2)");
    if (!second) return std::unexpected(second.error());
    const auto two = entry(8);
    second->bind_blob(1, two.lookup).bind_blob(2, two.sealed);
    if (auto step = second->step(); !step) return std::unexpected(step.error());
    return {};
  });
  ASSERT_FALSE(done.has_value()) << "went on after the session was lost";
  SqliteEscrowStore store(shared_);
  auto first = store.find(entry(7).lookup);
  auto found = first.has_value() ? first : store.find(entry(7).lookup);
  ASSERT_TRUE(found.has_value()) << found.error();
  EXPECT_FALSE(found->has_value()) << "half a transaction stayed";
  auto second = store.find(entry(8).lookup);
  ASSERT_TRUE(second.has_value()) << second.error();
  EXPECT_FALSE(second->has_value()) << "written outside its transaction";
}

}  // namespace
}  // namespace schakel::region
