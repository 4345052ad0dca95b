#pragma once
// Sealing at rest, for the queue (queue_cipher.hpp) and the re-identification
// escrow (escrow.hpp): XChaCha20-Poly1305 (libsodium's IETF AEAD) under a
// 32-byte key, a fresh random 24-byte nonce per seal, and associated data
// that binds the sealed bytes to their place. Sealed bytes are
// nonce || ciphertext || tag.
#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace schakel::crypto {

[[nodiscard]] std::vector<std::uint8_t> aead_seal(std::span<const std::uint8_t> key,
                                                  std::string_view plaintext,
                                                  std::span<const std::uint8_t> associated);
// The plaintext, or an error naming `what` when the bytes were altered, are
// bound to other associated data or were sealed under another key.
[[nodiscard]] std::expected<std::string, std::string> aead_open(
    std::span<const std::uint8_t> key, std::span<const std::uint8_t> sealed,
    std::span<const std::uint8_t> associated, std::string_view what);

[[nodiscard]] inline std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace schakel::crypto
