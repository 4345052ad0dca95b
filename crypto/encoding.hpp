#pragma once
// Byte encodings used in identifiers, tokens and hashes.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace schakel::crypto {

[[nodiscard]] std::string to_hex(std::span<const std::uint8_t> bytes);
[[nodiscard]] std::optional<std::vector<std::uint8_t>> from_hex(std::string_view text);
[[nodiscard]] std::string to_base64url(std::span<const std::uint8_t> bytes);  // no padding
[[nodiscard]] std::optional<std::vector<std::uint8_t>> from_base64url(std::string_view text);
[[nodiscard]] std::string sha256_hex(std::string_view data);

// Initialises libsodium once; every crypto entry point calls it.
void ensure_sodium();

}  // namespace schakel::crypto
