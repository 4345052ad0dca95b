// Fuzz target: gateway/proxy_protocol.hpp parse_proxy_v2 on any bytes. A
// parsed header never claims more bytes than it was given or than
// kMaxProxyHeaderBytes; its source address is text inet_pton reads back; the
// same header is parsed alike from any longer input (the client's bytes
// after it do not change it); and a proper prefix of a parsed header is
// kIncomplete, never a different header.
#include <arpa/inet.h>

#include "gateway/proxy_protocol.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using schakel::fuzz::require;
using namespace schakel::gateway;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  const auto parsed = parse_proxy_v2(bytes);
  if (!parsed) return 0;
  require(parsed->length <= size && parsed->length <= kMaxProxyHeaderBytes,
          "a header longer than its input or the maximum");
  require(parsed->length >= kProxyFixedBytes, "a header shorter than its fixed part");
  if (parsed->source) {
    unsigned char address[16];
    const bool v4 = inet_pton(AF_INET, parsed->source->address.c_str(), address) == 1;
    const bool v6 = inet_pton(AF_INET6, parsed->source->address.c_str(), address) == 1;
    require(v4 || v6, "a source address that is no address");
  }
  const auto alone = parse_proxy_v2(bytes.first(parsed->length));
  require(alone && alone->length == parsed->length &&
              alone->source.has_value() == parsed->source.has_value() &&
              (!alone->source || (alone->source->address == parsed->source->address &&
                                  alone->source->port == parsed->source->port)),
          "the bytes after the header changed it");
  if (parsed->length > 0) {
    const auto shorter = parse_proxy_v2(bytes.first(parsed->length - 1));
    require(!shorter && shorter.error() == ProxyError::kIncomplete,
            "a proper prefix of a header is not incomplete");
  }
  return 0;
}
