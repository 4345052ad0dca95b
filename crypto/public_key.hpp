#pragma once
// An Ed25519 public key (32 bytes): the gateway's audit signing key as
// `schakel keys export-public` writes it; checkpoints verify against it.
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "crypto/encoding.hpp"

namespace schakel::crypto {

using PublicKey = std::array<std::uint8_t, 32>;

// "ed25519:HEX" (64 hex digits), as `schakel keys export-public` writes it.
[[nodiscard]] inline std::optional<PublicKey> parse_public_key(std::string_view text) {
  if (!text.starts_with("ed25519:")) return std::nullopt;
  auto bytes = from_hex(text.substr(8));
  if (!bytes || bytes->size() != 32) return std::nullopt;
  PublicKey key{};
  std::ranges::copy(*bytes, key.begin());
  return key;
}

}  // namespace schakel::crypto
