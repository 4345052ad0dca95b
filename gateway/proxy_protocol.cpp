#include "gateway/proxy_protocol.hpp"

#include <arpa/inet.h>

#include <algorithm>

namespace schakel::gateway {
namespace {

constexpr std::array<std::uint8_t, kProxySignatureBytes> kSignature{
    0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
constexpr std::uint8_t kVersion2 = 0x20;
constexpr std::uint8_t kLocal = 0x00;
constexpr std::uint8_t kProxy = 0x01;
constexpr std::uint8_t kUnspec = 0x00;
constexpr std::uint8_t kTcp4 = 0x11;
constexpr std::uint8_t kTcp6 = 0x21;

std::uint16_t big_endian(const std::uint8_t* at) {
  return static_cast<std::uint16_t>((at[0] << 8) | at[1]);
}

// The source of a TCP address block: the address text and port.
ProxyAddress source_of(std::span<const std::uint8_t> block, bool v6) {
  const std::size_t size = v6 ? 16 : 4;
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, block.data(), text, sizeof text);
  return {text, big_endian(block.data() + 2 * size)};
}

}  // namespace

const char* describe(ProxyError error) {
  switch (error) {
    case ProxyError::kIncomplete:
      return "the PROXY header is not complete yet";
    case ProxyError::kNotProxy:
      return "the connection did not begin with a PROXY protocol v2 header";
    case ProxyError::kMalformed:
      return "the PROXY protocol v2 header breaks its rules";
  }
  return "unknown";
}

std::expected<ProxyHeader, ProxyError> parse_proxy_v2(std::span<const std::uint8_t> bytes) {
  const std::size_t seen = std::min(bytes.size(), kProxySignatureBytes);
  if (!std::equal(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(seen),
                  kSignature.begin())) {
    return std::unexpected(ProxyError::kNotProxy);
  }
  if (bytes.size() < kProxyFixedBytes) return std::unexpected(ProxyError::kIncomplete);
  const std::uint8_t version_command = bytes[12];
  const std::uint8_t family = bytes[13];
  const std::size_t length = big_endian(bytes.data() + 14);
  const std::uint8_t command = version_command & 0x0F;
  if ((version_command & 0xF0) != kVersion2 || (command != kLocal && command != kProxy) ||
      kProxyFixedBytes + length > kMaxProxyHeaderBytes) {
    return std::unexpected(ProxyError::kMalformed);
  }
  if (bytes.size() < kProxyFixedBytes + length) return std::unexpected(ProxyError::kIncomplete);
  ProxyHeader header{kProxyFixedBytes + length, std::nullopt};
  const auto block = bytes.subspan(kProxyFixedBytes, length);
  if (command == kLocal || family == kUnspec) return header;  // no address to take
  if (family == kTcp4 && length >= 12) {
    header.source = source_of(block, false);
  } else if (family == kTcp6 && length >= 36) {
    header.source = source_of(block, true);
  } else {
    return std::unexpected(ProxyError::kMalformed);  // UDP, UNIX sockets or a short block
  }
  return header;
}

}  // namespace schakel::gateway
