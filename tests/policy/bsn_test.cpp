#include "policy/bsn.hpp"

#include <gtest/gtest.h>

namespace schakel::policy {
namespace {

TEST(Bsn, AcceptsNumbersPassingTheElevenCheck) {
  EXPECT_TRUE(is_valid_bsn("999990019"));
  EXPECT_TRUE(is_valid_bsn("111222333"));
  EXPECT_TRUE(is_valid_bsn("123456782"));
}

TEST(Bsn, RefusesEverythingElse) {
  EXPECT_FALSE(is_valid_bsn("999990018")) << "wrong check digit";
  EXPECT_FALSE(is_valid_bsn("12345678")) << "eight digits";
  EXPECT_FALSE(is_valid_bsn("1234567820")) << "ten digits";
  EXPECT_FALSE(is_valid_bsn("12345678a"));
  EXPECT_FALSE(is_valid_bsn("000000000")) << "all zeros passes the sum but is no BSN";
  EXPECT_FALSE(is_valid_bsn(""));
}

}  // namespace
}  // namespace schakel::policy
