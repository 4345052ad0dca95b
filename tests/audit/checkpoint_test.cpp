// The running gateway signs checkpoints as its settings say, and the trail
// verifies against the exported public key.
#include <gtest/gtest.h>

#include "audit/log_store.hpp"
#include "audit/trail_frame.hpp"
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
                      [](auto& settings) { settings.audit.checkpoint_records = 4; });
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
  EXPECT_EQ(report->records, 6u);
  // Each message is two records, each its own batch (the receipt waits for
  // the delivery record): one checkpoint after record 4, one at shutdown.
  std::vector<std::uint64_t> signed_at;
  auto read = audit::for_each_frame(gateway.trail_dir(), [&](const audit::FrameView& frame) {
    if (frame.type == audit::FrameType::kCheckpoint) signed_at.push_back(frame.sequence);
    return true;
  });
  ASSERT_TRUE(read.has_value()) << read.error().message;
  EXPECT_EQ(signed_at, (std::vector<std::uint64_t>{4, 6}));
}

}  // namespace
}  // namespace schakel::testing
