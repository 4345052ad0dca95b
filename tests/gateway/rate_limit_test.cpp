// Pseudonym operations are rate-limited per partner: the bucket itself with
// explicit clock values, and a partner exceeding it through the gateway.
#include <gtest/gtest.h>

#include "gateway/rate_limiter.hpp"
#include "tests/support/client.hpp"
#include "tests/support/peers.hpp"
#include "tests/support/test_gateway.hpp"

namespace schakel::testing {
namespace {

using gateway::RateLimiter;

TEST(RateLimiter, AllowsTheBurstThenRefillsAtTheRatePerPartner) {
  RateLimiter limiter({.per_minute = 60, .burst = 2});
  const auto start = RateLimiter::Clock::time_point{};
  EXPECT_TRUE(limiter.try_take("police", start));
  EXPECT_TRUE(limiter.try_take("police", start));
  EXPECT_FALSE(limiter.try_take("police", start)) << "burst used up";
  EXPECT_TRUE(limiter.try_take("municipality", start)) << "each partner has its own bucket";
  EXPECT_FALSE(limiter.try_take("police", start + std::chrono::milliseconds(500)));
  EXPECT_TRUE(limiter.try_take("police", start + std::chrono::milliseconds(1500)))
      << "one token a second at 60 a minute";
  EXPECT_FALSE(limiter.try_take("police", start + std::chrono::milliseconds(1600)));
  EXPECT_TRUE(limiter.try_take("police", start + std::chrono::minutes(10)));
  EXPECT_TRUE(limiter.try_take("police", start + std::chrono::minutes(10)));
  EXPECT_FALSE(limiter.try_take("police", start + std::chrono::minutes(10)))
      << "never more than the burst";
  EXPECT_EQ(limiter.refill_time(), std::chrono::seconds(1));
  EXPECT_EQ(RateLimiter({.per_minute = 60'000, .burst = 1}).refill_time(), std::chrono::seconds(1))
      << "never less than a second";
  EXPECT_EQ(RateLimiter({.per_minute = 2, .burst = 1}).refill_time(), std::chrono::seconds(30));
}

TEST(PseudonymRateLimit, APartnerBeyondItsLimitIsRefusedAndAuditedAndNothingIsForwarded) {
  TlsUpstream upstream;
  SilentPeer silent;
  TestGateway gateway({upstream.port(), silent.port(), closed_port()}, [](auto& settings) {
    settings.limits.pseudonym_ops_per_minute = 1;
    settings.limits.pseudonym_burst = 3;
  });
  const HttpRequest request = e33_request();
  std::vector<int> statuses;
  HttpResult last;
  for (int i = 0; i < 5; ++i) {
    auto reply = tls_request(gateway.port(), partner_cert("politie-eenheid-voorbeeld"), request);
    ASSERT_TRUE(reply.has_value()) << reply.error();
    statuses.push_back(reply->status);
    last = *reply;
  }
  EXPECT_EQ(statuses, (std::vector<int>{200, 200, 200, 429, 429}));
  EXPECT_EQ(last.json()["type"], "urn:schakel:problem:rate-limited");
  EXPECT_EQ(last.json()["rule"], "schakel.json#/limits/pseudonym_ops_per_minute");
  EXPECT_EQ(last.header("Retry-After"), "60");
  EXPECT_EQ(upstream.received().size(), 3u);
  auto other = tls_request(gateway.port(), partner_cert("gemeente-voorbeeldstad"), request);
  ASSERT_TRUE(other.has_value());
  EXPECT_NE(other->status, 429) << "another partner's bucket is untouched";
  gateway.stop();
  int refused = 0, pseudonymised = 0;
  for (const auto& record : gateway.records_of_kind("decision")) {
    refused += record["problem"] == "rate-limited";
    pseudonymised += record["details"].value("subject_step", "") == "pseudonymise";
  }
  EXPECT_EQ(refused, 2);
  EXPECT_GE(pseudonymised, 3) << "each pseudonymise step is logged in its decision record";
}

}  // namespace
}  // namespace schakel::testing
