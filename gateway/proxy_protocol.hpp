#pragma once
// The PROXY protocol, version 2 (HAProxy's proxy-protocol.txt, section 2.2):
// the binary header a load balancer in TCP mode (issue 17: HAProxy in front
// of several gateways) sends before the client's own bytes, so that the
// gateway learns the client's address for its per-address limits while
// mutual TLS still ends at the gateway. Parsed strictly, from the bytes read
// so far:
//   12-byte signature, version 2 with command LOCAL (a health check: no
//   address) or PROXY, family UNSPEC, TCP over IPv4 or IPv6, a length of at
//   most kMaxProxyHeaderBytes; TLVs after the addresses are skipped unread.
// Anything else is refused (kNotProxy: no signature — a client that spoke
// first; kMalformed: a header that breaks the rules), never guessed at; a
// header not yet complete is kIncomplete (read more, within a deadline).
#include <array>
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>

namespace schakel::gateway {

inline constexpr std::size_t kProxySignatureBytes = 12;
inline constexpr std::size_t kProxyFixedBytes = 16;            // signature, ver_cmd, family, length
inline constexpr std::size_t kMaxProxyHeaderBytes = 16 + 536;  // addresses + generous TLVs

struct ProxyAddress {
  std::string address;  // dotted IPv4 or RFC 5952 IPv6 text
  std::uint16_t port = 0;
};

struct ProxyHeader {
  std::size_t length = 0;              // bytes the header took: the client's begin after it
  std::optional<ProxyAddress> source;  // nullopt for LOCAL and UNSPEC
};

enum class ProxyError { kIncomplete, kNotProxy, kMalformed };
[[nodiscard]] const char* describe(ProxyError error);

[[nodiscard]] std::expected<ProxyHeader, ProxyError> parse_proxy_v2(
    std::span<const std::uint8_t> bytes);

}  // namespace schakel::gateway
