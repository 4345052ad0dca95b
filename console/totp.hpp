#pragma once
// Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA1 of the
// 30-second step since the epoch, six digits — what authenticator apps
// compute from an otpauth:// URI. Secrets are 20 random bytes, written in
// RFC 4648 base32 for the app. A code is taken for the current step and the
// one before and after (clock skew), and a step once used is not taken again
// (the caller keeps the last accepted step per user).
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace schakel::console {

inline constexpr std::int64_t kTotpStepSeconds = 30;
inline constexpr std::size_t kTotpSecretBytes = 20;

[[nodiscard]] std::string base32_encode(std::span<const std::uint8_t> bytes);
// Upper-case A-Z and 2-7, no padding; anything else is an error.
[[nodiscard]] std::expected<std::vector<std::uint8_t>, std::string> base32_decode(
    std::string_view text);

// The six-digit code of `step` (unix seconds / 30).
[[nodiscard]] std::string totp_code(std::span<const std::uint8_t> secret, std::int64_t step);
// The step `code` belongs to among now's step ±1 and after `last_used`, or nullopt.
[[nodiscard]] std::optional<std::int64_t> totp_accepts(std::span<const std::uint8_t> secret,
                                                       std::string_view code, std::int64_t unix_now,
                                                       std::int64_t last_used);
// otpauth://totp/Schakel:<user>?secret=...&issuer=Schakel
[[nodiscard]] std::string otpauth_uri(const std::string& user, std::string_view secret_base32);

}  // namespace schakel::console
