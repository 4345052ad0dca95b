#pragma once
// The fixture of a test suite that shares one in-process gateway: a recording
// TLS upstream, a silent peer and the gateway wired to them (test_gateway.hpp),
// made once per suite and removed after it. After every test the audit chain
// must still verify.
#include <gtest/gtest.h>

#include "audit/verify.hpp"
#include "tests/support/peers.hpp"
#include "tests/support/test_gateway.hpp"

namespace schakel::testing {

class GatewaySuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    upstream_ = new TlsUpstream();
    silent_ = new SilentPeer();
    gateway_ = new TestGateway({upstream_->port(), silent_->port(), closed_port()});
  }
  static void TearDownTestSuite() {
    delete gateway_;
    delete silent_;
    delete upstream_;
    gateway_ = nullptr;
    silent_ = nullptr;
    upstream_ = nullptr;
  }
  void TearDown() override {
    auto report = audit::verify_chain(gateway_->trail_dir());
    ASSERT_TRUE(report.has_value());
    EXPECT_TRUE(report->intact()) << "chain broken at " << report->first_bad_sequence << ": "
                                  << report->problem;
  }

  static inline TlsUpstream* upstream_ = nullptr;
  static inline SilentPeer* silent_ = nullptr;
  static inline TestGateway* gateway_ = nullptr;
};

}  // namespace schakel::testing
