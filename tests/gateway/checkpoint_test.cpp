// The running gateway signs checkpoints as its settings say, and the trail
// verifies against the exported public key.
#include <gtest/gtest.h>

#include "audit/verify.hpp"
#include "crypto/key_store.hpp"
#include "tests/support/client.hpp"
#include "tests/support/peers.hpp"
#include "tests/support/test_gateway.hpp"

namespace schakel::testing {
namespace {

TEST(Checkpoints, SignedEveryNRecordsAndAtShutdown) {
  TlsUpstream upstream;
  SilentPeer silent;
  TestGateway gateway({upstream.port(), silent.port(), closed_port()},
                      [](auto& settings) { settings.audit.checkpoint_records = 2; });
  for (int i = 0; i < 3; ++i) {
    auto reply = tls_request(gateway.port(), partner_cert("politie-eenheid-voorbeeld"),
                             e33_request(partners::kMentalHealth, "2"));
    ASSERT_TRUE(reply.has_value() && reply->status == 200);
  }
  gateway.stop();
  auto keys = crypto::KeyStore::load(gateway.settings().keys_dir);
  ASSERT_TRUE(keys.has_value());
  auto report = audit::verify_chain(gateway.trail_dir(), keys->signing_public_key());
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->intact()) << report->problem;
  EXPECT_TRUE(report->signatures_checked);
  EXPECT_GE(report->checkpoints, 2u) << "6 records with a checkpoint every 2, and one at shutdown";
  EXPECT_EQ(report->records, 6u);
}

}  // namespace
}  // namespace schakel::testing
