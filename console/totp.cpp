#include "console/totp.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

namespace schakel::console {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

}  // namespace

std::string base32_encode(std::span<const std::uint8_t> bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const std::uint8_t byte : bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

std::expected<std::vector<std::uint8_t>, std::string> base32_decode(std::string_view text) {
  std::vector<std::uint8_t> out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : text) {
    const auto index = kAlphabet.find(c);
    if (index == std::string_view::npos) {
      return std::unexpected(std::string("not base32 (A-Z, 2-7, no padding)"));
    }
    buffer = (buffer << 5) | static_cast<std::uint32_t>(index);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<std::uint8_t>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

std::string totp_code(std::span<const std::uint8_t> secret, std::int64_t step) {
  std::array<std::uint8_t, 8> counter{};
  for (int i = 7; i >= 0; --i) {
    counter[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(step & 0xff);
    step >>= 8;
  }
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), counter.data(), counter.size(),
       mac.data(), &length);
  const std::size_t offset = mac[length - 1] & 0x0f;
  const std::uint32_t binary = ((mac[offset] & 0x7fu) << 24) | (mac[offset + 1] << 16) |
                               (mac[offset + 2] << 8) | mac[offset + 3];
  std::string code = std::to_string(binary % 1'000'000);
  return std::string(6 - code.size(), '0') + code;
}

std::optional<std::int64_t> totp_accepts(std::span<const std::uint8_t> secret,
                                         std::string_view code, std::int64_t unix_now,
                                         std::int64_t last_used) {
  if (code.size() != 6) return std::nullopt;
  const std::int64_t now_step = unix_now / kTotpStepSeconds;
  for (std::int64_t step = now_step - 1; step <= now_step + 1; ++step) {
    if (step <= last_used) continue;
    const std::string expected = totp_code(secret, step);
    if (CRYPTO_memcmp(expected.data(), code.data(), expected.size()) == 0) return step;
  }
  return std::nullopt;
}

std::string otpauth_uri(const std::string& user, std::string_view secret_base32) {
  return "otpauth://totp/Schakel:" + user + "?secret=" + std::string(secret_base32) +
         "&issuer=Schakel&algorithm=SHA1&digits=6&period=30";
}

}  // namespace schakel::console
