#include "crypto/encoding.hpp"

#include <openssl/sha.h>
#include <sodium.h>

#include <algorithm>
#include <stdexcept>

namespace schakel::crypto {

void ensure_sodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium failed to initialise");
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
  out.pop_back();
  return out;
}

std::optional<std::vector<std::uint8_t>> from_hex(std::string_view text) {
  // libsodium's output buffer must not be null, which an empty vector's data() may be.
  if (text.empty()) return std::vector<std::uint8_t>{};
  if (text.size() % 2 != 0) return std::nullopt;
  std::vector<std::uint8_t> out(text.size() / 2);
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_hex2bin(out.data(), out.size(), text.data(), text.size(), nullptr, &length, &end) !=
          0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

std::string to_base64url(std::span<const std::uint8_t> bytes) {
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), kVariant);
  out.resize(out.size() - 1);
  return out;
}

std::optional<std::vector<std::uint8_t>> from_base64url(std::string_view text) {
  if (text.empty()) return std::vector<std::uint8_t>{};  // as from_hex: no null buffer
  // libsodium 1.0.18 decodes some bytes >= 0x80 as digits: one value would
  // have many texts. Only the alphabet of RFC 4648 §5 is base64url.
  const bool alphabet_only = std::ranges::all_of(text, [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
  if (!alphabet_only) return std::nullopt;
  std::vector<std::uint8_t> out(text.size());
  std::size_t length = 0;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

// OpenSSL's SHA-256 uses the CPU's SHA extensions; libsodium's is portable C
// and was a tenth of the audit writer's time.
std::string sha256_hex(std::string_view data) {
  std::uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return to_hex(digest);
}

}  // namespace schakel::crypto
