#pragma once
// A fresh key directory in a temporary directory, and a pseudonymiser over
// it: what unit tests of the transform and redaction stages share.
#include <gtest/gtest.h>

#include <optional>

#include "crypto/key_store.hpp"
#include "crypto/pseudonymiser.hpp"
#include "tests/support/paths.hpp"

namespace schakel::testing {

class TestKeys {
 public:
  TestKeys() {
    EXPECT_TRUE(crypto::KeyStore::init(dir_.path() / "keys"));
    keys_.emplace(*crypto::KeyStore::load(dir_.path() / "keys"));
    pseudonymiser_.emplace(*keys_);
  }
  [[nodiscard]] const crypto::Pseudonymiser& pseudonymiser() const { return *pseudonymiser_; }

 private:
  TempDir dir_;
  std::optional<crypto::KeyStore> keys_;
  std::optional<crypto::Pseudonymiser> pseudonymiser_;
};

}  // namespace schakel::testing
