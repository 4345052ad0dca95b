// TOTP (RFC 6238 over RFC 4226) against the RFC's own SHA-1 test vectors,
// base32 both ways, the ±1 step window and a code never taken twice.
#include "console/totp.hpp"

#include <gtest/gtest.h>

namespace schakel::console {
namespace {

const std::string kRfcSecret = "12345678901234567890";

std::span<const std::uint8_t> bytes(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

TEST(Totp, MatchesTheRfc6238Vectors) {
  // RFC 6238 appendix B (SHA-1, 8 digits); six digits are the last six.
  const std::pair<std::int64_t, const char*> vectors[] = {
      {59, "287082"},         {1111111109, "081804"}, {1111111111, "050471"},
      {1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"}};
  for (const auto& [time, code] : vectors) {
    EXPECT_EQ(totp_code(bytes(kRfcSecret), time / kTotpStepSeconds), code) << time;
  }
}

TEST(Totp, Base32RoundTripsAndRefusesWhatIsNot) {
  EXPECT_EQ(base32_encode(bytes("foobar")), "MZXW6YTBOI");  // RFC 4648 section 10, unpadded
  auto decoded = base32_decode("MZXW6YTBOI");
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(std::string(decoded->begin(), decoded->end()), "foobar");
  EXPECT_FALSE(base32_decode("mzxw6ytboi").has_value()) << "lower case";
  EXPECT_FALSE(base32_decode("MZXW6YTBOI==").has_value()) << "padding";
  EXPECT_FALSE(base32_decode("MZXW1").has_value()) << "1 is not base32";
}

TEST(Totp, TakesTheStepsAroundNowOnceEach) {
  const std::int64_t now = 1111111111;
  const std::int64_t step = now / kTotpStepSeconds;
  const std::string current = totp_code(bytes(kRfcSecret), step);
  EXPECT_EQ(totp_accepts(bytes(kRfcSecret), current, now, 0), step);
  EXPECT_EQ(totp_accepts(bytes(kRfcSecret), current, now, step), std::nullopt) << "used once";
  EXPECT_EQ(totp_accepts(bytes(kRfcSecret), totp_code(bytes(kRfcSecret), step - 1), now, 0),
            step - 1);
  EXPECT_EQ(totp_accepts(bytes(kRfcSecret), totp_code(bytes(kRfcSecret), step + 1), now, 0),
            step + 1);
  EXPECT_EQ(totp_accepts(bytes(kRfcSecret), totp_code(bytes(kRfcSecret), step - 2), now, 0),
            std::nullopt)
      << "a minute old";
  EXPECT_EQ(totp_accepts(bytes(kRfcSecret), "12345", now, 0), std::nullopt);
  EXPECT_EQ(totp_accepts(bytes(kRfcSecret), "1234567", now, 0), std::nullopt);
}

}  // namespace
}  // namespace schakel::console
