// Regressions found by tests/fuzz/pseudonym_text_fuzz: one value, one text
// form, and no undefined behaviour on the shortest texts. The inputs are
// also in tests/fuzz/corpus/pseudonym_text/.
#include <gtest/gtest.h>

#include "crypto/encoding.hpp"
#include "crypto/key_store.hpp"
#include "crypto/pseudonymiser.hpp"
#include "tests/support/paths.hpp"

namespace schakel::crypto {
namespace {

// Empty and one-character texts passed a null output buffer to libsodium
// (declared nonnull: undefined behaviour, reported by UBSan).
TEST(EncodingFuzzRegression, DecodesTheShortestTextsWithoutANullBuffer) {
  ASSERT_TRUE(from_hex("").has_value());
  EXPECT_TRUE(from_hex("")->empty());
  EXPECT_FALSE(from_hex("a").has_value());
  EXPECT_FALSE(from_hex("abc").has_value());
  EXPECT_EQ(from_hex("0aFf"), (std::vector<std::uint8_t>{0x0a, 0xff}));
  ASSERT_TRUE(from_base64url("").has_value());
  EXPECT_TRUE(from_base64url("")->empty());
  EXPECT_FALSE(from_base64url("A").has_value());
}

// libsodium 1.0.18 decodes some bytes >= 0x80 as base64 digits.
TEST(EncodingFuzzRegression, Base64urlIsItsAlphabetOnly) {
  ASSERT_TRUE(from_base64url("SGVsbG8").has_value());
  EXPECT_FALSE(from_base64url("SG\x9eVsbG9").has_value());
  EXPECT_FALSE(from_base64url("SGVsbG8=").has_value());
  EXPECT_FALSE(from_base64url("SGVs bG8").has_value());
}

// libsodium 1.0.18 ignores the top bit of a ristretto255 encoding, so the
// same pseudonym had a second text with that bit set.
TEST(PseudonymFuzzRegression, RefusesAPseudonymWithTheTopBitSet) {
  testing::TempDir dir;
  ASSERT_TRUE(KeyStore::init(dir.path() / "keys"));
  auto keys = KeyStore::load(dir.path() / "keys");
  ASSERT_TRUE(keys.has_value()) << keys.error();
  const Pseudonymiser pseudonymiser(*keys);
  const std::string pseudonym =
      pseudonymiser.pseudonym(pseudonymiser.subject_of_bsn("999990019"), "politie").value();
  const auto tag_dot = pseudonym.rfind('.');  // "v1.<point>.<tag>"
  auto bytes = from_base64url(std::string_view(pseudonym).substr(3, tag_dot - 3));
  ASSERT_TRUE(bytes.has_value());
  ASSERT_EQ(bytes->size(), 32u);
  ASSERT_EQ((*bytes)[31] & 0x80, 0);
  (*bytes)[31] |= 0x80;
  const std::string second_text = "v1." + to_base64url(*bytes) + pseudonym.substr(tag_dot);
  EXPECT_TRUE(pseudonymiser.subject_of_pseudonym(pseudonym, "politie").has_value());
  EXPECT_FALSE(pseudonymiser.subject_of_pseudonym(second_text, "politie").has_value());
  // The fuzzer's input: the basepoint's encoding mutated, top bit set.
  EXPECT_FALSE(
      pseudonymiser
          .subject_of_pseudonym("v01.4vKuCmq8T0fdhKlhxQBRX1sjC2qlgt2NtqZZR8T0fdY", "politie")
          .has_value());
}

}  // namespace
}  // namespace schakel::crypto
