#pragma once
// Encryption at rest of what waits in the gateway's queue (issue 15: a
// message held for asynchronous delivery): XChaCha20-Poly1305 (libsodium's
// IETF AEAD) under the key directory's queue.key, a fresh random 24-byte
// nonce per message, and the message's transaction id as associated data —
// so a sealed message moved to another row does not open. Sealed bytes are
// nonce || ciphertext || tag. Destroying queue.key makes every queued message
// unreadable for good. Thread-safe (immutable after construction).
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/secret.hpp"

namespace schakel::crypto {

inline constexpr std::size_t kQueueKeyBytes = 32;

class QueueCipher {
 public:
  explicit QueueCipher(const Secret& key) : key_(key) {}

  [[nodiscard]] std::vector<std::uint8_t> seal(std::string_view plaintext,
                                               std::string_view transaction_id) const;
  // The plaintext, or an error when the bytes were altered, belong to another
  // transaction or were sealed under another key.
  [[nodiscard]] std::expected<std::string, std::string> open(
      const std::vector<std::uint8_t>& sealed, std::string_view transaction_id) const;

 private:
  const Secret& key_;
};

}  // namespace schakel::crypto
