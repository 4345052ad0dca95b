#pragma once
// A recipient that misbehaves on purpose, for the upstream fault tests. It
// speaks mutual TLS like a real recipient (a server certificate of the test
// PKI, trusting the region CA, demanding the gateway's client certificate),
// reads each request as HTTP/1.1 and counts it, then answers with raw bytes
// chosen by its fault instead of a well-behaved reply. Loopback, port 0, one
// I/O thread of its own; every connection it holds ends when the gateway
// closes it or after 30 seconds, and all of them when it is destroyed.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace schakel::testing {

enum class Fault {
  kNone,                  // 200 with a small body, keeps the connection
  kReset,                 // reads the request, then resets the connection (TCP RST)
  kStallMidResponse,      // headers and part of the body, then nothing more
  kGarbage,               // bytes that are not HTTP, then closes
  kOversizedHeaders,      // a header block that does not end (1 MiB and more)
  kOversizedBody,         // Content-Length: 16 MiB, and that many bytes
  kEndless,               // a chunked body that never ends
  kTrailer,               // a complete chunked reply with a small trailer field
  kHugeTrailer,           // a complete chunked reply with a 100 KiB trailer field
  kHugeChunkExtension,    // a chunk header with a 1 MiB chunk extension
  kCloseAfterReply,       // 200 with keep-alive, then closes the connection
  kCloseOnSecondRequest,  // answers the first request of a connection; reads the
                          // second one, then closes without answering
  kInterimThenOk,         // 100 Continue and 102 Processing, then 200 (a final answer)
  kSwitchingProtocols,    // 101 Switching Protocols, which nobody asked for
  kEndlessInterim,        // 102 Processing again and again, never a final answer
};

class FaultyRecipient {
 public:
  // Each request read gets the next fault of `faults`, round robin.
  // `certificate` names the server certificate in the test PKI (name.pem, name.key).
  explicit FaultyRecipient(std::vector<Fault> faults, const std::string& certificate = "receiver");
  ~FaultyRecipient();
  FaultyRecipient(const FaultyRecipient&) = delete;
  FaultyRecipient& operator=(const FaultyRecipient&) = delete;

  [[nodiscard]] std::uint16_t port() const;
  // Requests read whole, and those among them with this Fsc-Transaction-Id.
  [[nodiscard]] std::size_t requests_read() const;
  [[nodiscard]] std::size_t requests_with(const std::string& transaction_id) const;
  [[nodiscard]] std::size_t connections_accepted() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace schakel::testing
