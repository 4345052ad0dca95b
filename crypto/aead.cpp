#include "crypto/aead.hpp"

#include <sodium.h>

namespace schakel::crypto {
namespace {

constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;

}  // namespace

std::vector<std::uint8_t> aead_seal(std::span<const std::uint8_t> key, std::string_view plaintext,
                                    std::span<const std::uint8_t> associated) {
  std::vector<std::uint8_t> out(kNonce + plaintext.size() + kTag);
  randombytes_buf(out.data(), kNonce);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out.data() + kNonce, &written, bytes_of(plaintext).data(), plaintext.size(),
      associated.data(), associated.size(), nullptr, out.data(), key.data());
  out.resize(kNonce + static_cast<std::size_t>(written));
  return out;
}

std::expected<std::string, std::string> aead_open(std::span<const std::uint8_t> key,
                                                  std::span<const std::uint8_t> sealed,
                                                  std::span<const std::uint8_t> associated,
                                                  std::string_view what) {
  if (sealed.size() < kNonce + kTag) {
    return std::unexpected(std::string(what) + " is too short to be sealed");
  }
  std::string out(sealed.size() - kNonce - kTag, '\0');
  unsigned long long read = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(out.data()), &read, nullptr, sealed.data() + kNonce,
          sealed.size() - kNonce, associated.data(), associated.size(), sealed.data(),
          key.data()) != 0) {
    sodium_memzero(out.data(), out.size());
    return std::unexpected(std::string(what) +
                           " does not open: altered, moved or under another key");
  }
  out.resize(static_cast<std::size_t>(read));
  return out;
}

}  // namespace schakel::crypto
