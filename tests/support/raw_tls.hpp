#pragma once
// A TLS connection that sends exactly the bytes a test gives it — the way a
// hostile or broken partner would — and reads whatever comes back. Blocking,
// with a receive timeout on every read; for tests only.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "tests/support/client.hpp"

namespace schakel::testing {

class RawTlsConnection {
 public:
  // Connects to 127.0.0.1:port, sends `preamble` (e.g. a PROXY protocol
  // header) and completes the handshake, presenting `cert` if given.
  RawTlsConnection(std::uint16_t port, const std::optional<ClientCert>& cert,
                   const std::string& preamble = {});
  ~RawTlsConnection();

  [[nodiscard]] bool connected() const;
  // False when the peer closed or reset the connection before all was sent.
  bool send(const std::string& bytes);
  // What arrives until `until` appears, the peer closes, or `wait` passes without a byte.
  [[nodiscard]] std::string receive(const std::string& until = {},
                                    std::chrono::milliseconds wait = std::chrono::seconds(10));

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A PROXY protocol v2 header: `command` (0 LOCAL, 1 PROXY), address `family`
// byte (0x11: TCP over IPv4) and the address block as given.
[[nodiscard]] std::string proxy_header(std::uint8_t command, std::uint8_t family,
                                       const std::string& block);
// The IPv4 address block of client 192.0.2.7:51000 to 127.0.0.1:8443.
[[nodiscard]] std::string proxy_ipv4_block();

// The status code of the first response in `bytes` ("HTTP/1.1 431 ..." -> 431), 0 if none.
[[nodiscard]] int first_status(const std::string& bytes);
// The body of the last response in `bytes` (after its blank line).
[[nodiscard]] std::string last_body(const std::string& bytes);

}  // namespace schakel::testing
