// The PROXY protocol v2 header (issue 17), against headers built byte by
// byte as section 2.2 of HAProxy's proxy-protocol.txt lays them out: the
// client's address for IPv4 and IPv6, LOCAL health checks, TLVs skipped,
// incomplete headers asked to wait, and every rule broken refused.
#include "gateway/proxy_protocol.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace schakel::gateway {
namespace {

std::vector<std::uint8_t> header(std::uint8_t version_command, std::uint8_t family,
                                 std::vector<std::uint8_t> block) {
  std::vector<std::uint8_t> out{
      0x0D,  0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, version_command,
      family};
  out.push_back(static_cast<std::uint8_t>(block.size() >> 8));
  out.push_back(static_cast<std::uint8_t>(block.size() & 0xFF));
  out.insert(out.end(), block.begin(), block.end());
  return out;
}

// 192.0.2.7:51000 -> 198.51.100.1:8443
const std::vector<std::uint8_t> kTcp4Block{192, 0, 2, 7, 198, 51, 100, 1, 0xC7, 0x38, 0x20, 0xFB};

TEST(ProxyProtocol, GivesTheClientsAddressAndWhereItsOwnBytesBegin) {
  auto bytes = header(0x21, 0x11, kTcp4Block);
  bytes.insert(bytes.end(), {0x16, 0x03, 0x01});  // the client's TLS ClientHello begins
  auto parsed = parse_proxy_v2(bytes);
  ASSERT_TRUE(parsed.has_value()) << describe(parsed.error());
  EXPECT_EQ(parsed->length, 28u);
  ASSERT_TRUE(parsed->source.has_value());
  EXPECT_EQ(parsed->source->address, "192.0.2.7");
  EXPECT_EQ(parsed->source->port, 51000);

  std::vector<std::uint8_t> v6(36, 0);
  v6[0] = 0x20, v6[1] = 0x01, v6[2] = 0x0d, v6[3] = 0xb8, v6[15] = 0x09;  // 2001:db8::9
  v6[32] = 0x01, v6[33] = 0xBB;                                           // port 443
  auto six = parse_proxy_v2(header(0x21, 0x21, v6));
  ASSERT_TRUE(six.has_value());
  EXPECT_EQ(six->source->address, "2001:db8::9");
  EXPECT_EQ(six->source->port, 443);
}

TEST(ProxyProtocol, AHealthCheckCarriesNoAddressAndTlvsAreSkipped) {
  auto local = parse_proxy_v2(header(0x20, 0x00, {}));
  ASSERT_TRUE(local.has_value());
  EXPECT_FALSE(local->source.has_value());
  EXPECT_EQ(local->length, 16u);
  auto block = kTcp4Block;
  block.insert(block.end(), {0x04, 0x00, 0x02, 'h', 'i'});  // a NOOP TLV
  auto with_tlv = parse_proxy_v2(header(0x21, 0x11, block));
  ASSERT_TRUE(with_tlv.has_value());
  EXPECT_EQ(with_tlv->length, 16u + block.size());
  EXPECT_EQ(with_tlv->source->address, "192.0.2.7");
}

TEST(ProxyProtocol, AnIncompleteHeaderWaitsForMoreBytes) {
  const auto whole = header(0x21, 0x11, kTcp4Block);
  for (std::size_t size = 1; size < whole.size(); ++size) {
    auto part = parse_proxy_v2(std::span(whole).first(size));
    ASSERT_FALSE(part.has_value()) << size;
    EXPECT_EQ(part.error(), ProxyError::kIncomplete) << size;
  }
}

TEST(ProxyProtocol, EveryBrokenRuleIsRefused) {
  const std::vector<std::uint8_t> tls_first{0x16, 0x03, 0x01, 0x02, 0x00};
  EXPECT_EQ(parse_proxy_v2(tls_first).error(), ProxyError::kNotProxy) << "a client spoke first";
  const std::string v1 = "PROXY TCP4 192.0.2.7 198.51.100.1 51000 8443\r\n";
  EXPECT_EQ(parse_proxy_v2(std::span(reinterpret_cast<const std::uint8_t*>(v1.data()), v1.size()))
                .error(),
            ProxyError::kNotProxy)
      << "version 1 (text) is not taken";
  EXPECT_EQ(parse_proxy_v2(header(0x11, 0x11, kTcp4Block)).error(), ProxyError::kMalformed)
      << "version 1 in a v2 header";
  EXPECT_EQ(parse_proxy_v2(header(0x22, 0x11, kTcp4Block)).error(), ProxyError::kMalformed)
      << "an unknown command";
  EXPECT_EQ(parse_proxy_v2(header(0x21, 0x12, kTcp4Block)).error(), ProxyError::kMalformed)
      << "UDP";
  EXPECT_EQ(parse_proxy_v2(header(0x21, 0x31, std::vector<std::uint8_t>(216, 0))).error(),
            ProxyError::kMalformed)
      << "a UNIX socket";
  EXPECT_EQ(parse_proxy_v2(header(0x21, 0x11, {192, 0, 2, 7})).error(), ProxyError::kMalformed)
      << "an address block too short";
  EXPECT_EQ(parse_proxy_v2(header(0x21, 0x11, std::vector<std::uint8_t>(600, 0))).error(),
            ProxyError::kMalformed)
      << "longer than any header needs";
}

}  // namespace
}  // namespace schakel::gateway
