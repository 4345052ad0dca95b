// Regressions found by tests/fuzz/redaction_fuzz: a mask cut a word in two
// and left its rest standing alone as nine digits, a BSN by the redactor's
// own rule. The inputs are also in tests/fuzz/corpus/redaction/.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include "policy/field_values.hpp"

namespace schakel::policy {
namespace {

bool holds_bsn_word(const std::string& text) {
  static const re2::RE2 bsn_word(R"(\b[0-9]{9}\b)");
  return re2::RE2::PartialMatch(text, bsn_word);
}

TEST(RedactionFuzzRegression, AnAddressRunsToTheEndOfItsWord) {
  const std::string out = redact_text("mail a@b.cc123456789 nu");
  EXPECT_FALSE(holds_bsn_word(out)) << out;
  EXPECT_NE(out.find("[EMAIL]"), std::string::npos) << out;
  EXPECT_EQ(out.find("123456789"), std::string::npos) << out;
}

TEST(RedactionFuzzRegression, A0031NumberStartsAWord) {
  const std::string out = redact_text(
      "\xc3\xa9"
      "9999900190031612345678");
  EXPECT_FALSE(holds_bsn_word(out)) << out;
  EXPECT_NE(redact_text("bel 0031612345678").find("[PHONE]"), std::string::npos);
  EXPECT_NE(redact_text("bel +31612345678").find("[PHONE]"), std::string::npos);
}

TEST(RedactionFuzzRegression, TheFuzzersInputLeavesNoBsn) {
  const std::string input =
      "+af\xc3\xa9 \xc3\xa9"
      "999990019 \xc3\xa9"
      "9999900190031612345678 \xf0\x9f\x98\x80";
  EXPECT_FALSE(holds_bsn_word(redact_text(input))) << redact_text(input);
}

}  // namespace
}  // namespace schakel::policy
