// The console's sessions under an injected clock: a session ends after its
// idle time, after its maximum, at sign-out; ids and CSRF tokens are random
// and distinct; the store never holds more than kMaxSessions.
#include "console/sessions.hpp"

#include <gtest/gtest.h>

#include <set>

namespace schakel::console {
namespace {

class SessionsTest : public ::testing::Test {
 protected:
  std::int64_t now_ = 1'000'000;
  SessionStore store_{std::chrono::minutes(15), std::chrono::hours(8), [this] { return now_; }};
  policy::ConsoleUser officer_{"fg", "Officer", policy::ConsoleRole::kPrivacyOfficer, "fg", ""};
};

TEST_F(SessionsTest, ASessionEndsWhenIdleTooLong) {
  const Session session = store_.open(officer_, "fg");
  EXPECT_NE(session.id, session.csrf);
  EXPECT_EQ(session.id.size(), 43u) << "256 bits, base64url";
  now_ += 14 * 60;
  ASSERT_TRUE(store_.find(session.id).has_value());
  now_ += 14 * 60;
  EXPECT_TRUE(store_.find(session.id).has_value()) << "each request renews the idle time";
  now_ += 15 * 60 + 1;
  EXPECT_FALSE(store_.find(session.id).has_value());
  EXPECT_FALSE(store_.find(session.id).has_value()) << "and stays gone";
}

TEST_F(SessionsTest, ASessionEndsAtItsMaximumHoweverBusy) {
  const Session session = store_.open(officer_, "");
  for (int i = 0; i < 8 * 6; ++i) {
    now_ += 10 * 60;
    ASSERT_TRUE(store_.find(session.id).has_value()) << i;
  }
  now_ += 10 * 60;
  EXPECT_FALSE(store_.find(session.id).has_value());
}

TEST_F(SessionsTest, SignOutEndsItAndReasonsStayWithTheirSession) {
  const Session a = store_.open(officer_, "");
  const Session b = store_.open(officer_, "");
  store_.set_reason(a.id, "klacht");
  EXPECT_EQ(store_.find(a.id)->reason, "klacht");
  EXPECT_EQ(store_.find(b.id)->reason, "");
  store_.close(a.id);
  EXPECT_FALSE(store_.find(a.id).has_value());
  EXPECT_TRUE(store_.find(b.id).has_value());
  EXPECT_FALSE(store_.find("").has_value());
}

TEST_F(SessionsTest, TheStoreKeepsAtMostItsCapacityDroppingTheLeastRecentlyUsed) {
  const Session first = store_.open(officer_, "");
  std::set<std::string> ids{first.id};
  for (std::size_t i = 1; i < kMaxSessions; ++i) {
    now_ += 0;  // same second: order by insertion is not assumed
    ids.insert(store_.open(officer_, "").id);
  }
  EXPECT_EQ(ids.size(), kMaxSessions) << "every id distinct";
  now_ += 1;
  ASSERT_TRUE(store_.find(first.id).has_value());  // the first is now the most recently used
  const Session extra = store_.open(officer_, "");
  EXPECT_TRUE(store_.find(first.id).has_value());
  EXPECT_TRUE(store_.find(extra.id).has_value());
}

}  // namespace
}  // namespace schakel::console
