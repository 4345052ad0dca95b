#include "crypto/queue_cipher.hpp"

#include "crypto/aead.hpp"

namespace schakel::crypto {

std::vector<std::uint8_t> QueueCipher::seal(std::string_view plaintext,
                                            std::string_view transaction_id) const {
  return aead_seal(key_.bytes(), plaintext, bytes_of(transaction_id));
}

std::expected<std::string, std::string> QueueCipher::open(const std::vector<std::uint8_t>& sealed,
                                                          std::string_view transaction_id) const {
  return aead_open(key_.bytes(), sealed, bytes_of(transaction_id), "a queued message");
}

}  // namespace schakel::crypto
