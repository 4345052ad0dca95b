#include "crypto/queue_cipher.hpp"

#include <sodium.h>

namespace schakel::crypto {
namespace {

constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;

const unsigned char* bytes_of(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

}  // namespace

std::vector<std::uint8_t> QueueCipher::seal(std::string_view plaintext,
                                            std::string_view transaction_id) const {
  std::vector<std::uint8_t> out(kNonce + plaintext.size() + kTag);
  randombytes_buf(out.data(), kNonce);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out.data() + kNonce, &written, bytes_of(plaintext), plaintext.size(),
      bytes_of(transaction_id), transaction_id.size(), nullptr, out.data(), key_.bytes().data());
  out.resize(kNonce + static_cast<std::size_t>(written));
  return out;
}

std::expected<std::string, std::string> QueueCipher::open(const std::vector<std::uint8_t>& sealed,
                                                          std::string_view transaction_id) const {
  if (sealed.size() < kNonce + kTag) {
    return std::unexpected(std::string("a queued message is too short to be sealed"));
  }
  std::string out(sealed.size() - kNonce - kTag, '\0');
  unsigned long long read = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(out.data()), &read, nullptr, sealed.data() + kNonce,
          sealed.size() - kNonce, bytes_of(transaction_id), transaction_id.size(), sealed.data(),
          key_.bytes().data()) != 0) {
    sodium_memzero(out.data(), out.size());
    return std::unexpected(
        std::string("a queued message does not open: altered, moved or under another key"));
  }
  out.resize(static_cast<std::size_t>(read));
  return out;
}

}  // namespace schakel::crypto
