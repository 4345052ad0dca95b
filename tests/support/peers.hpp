#pragma once
// Real peers on loopback, port 0, for the gateway's tests:
//  - TlsUpstream: a recipient endpoint speaking mutual TLS (the receiver
//    certificate of the test PKI, trusting the region CA) that records every
//    request it receives and answers with a configurable status;
//  - SilentPeer: accepts TCP connections (via the kernel's backlog) and never
//    says a word, so the gateway's timeouts fire;
//  - closed_port(): a port where nothing listens.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gateway/http_types.hpp"

namespace schakel::testing {

struct Received {
  std::string target;
  gateway::HeaderList headers;
  std::string body;
  std::string client_oin;  // from the gateway's client certificate

  [[nodiscard]] std::string header(const std::string& name) const;
  [[nodiscard]] std::string all_bytes() const;  // target, headers and body
};

class TlsUpstream {
 public:
  // `certificate`: the test PKI's server certificate it presents (NAME.pem, NAME.key).
  explicit TlsUpstream(const std::string& certificate = "receiver");
  ~TlsUpstream();
  [[nodiscard]] std::uint16_t port() const;
  [[nodiscard]] std::vector<Received> received() const;
  [[nodiscard]] std::vector<Received> received_with(const std::string& transaction_id) const;
  void set_status(int status) { status_ = status; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<int> status_{200};
  mutable std::mutex mutex_;
  std::vector<Received> received_;
};

class SilentPeer {
 public:
  SilentPeer();
  ~SilentPeer();
  [[nodiscard]] std::uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

[[nodiscard]] std::uint16_t closed_port();

}  // namespace schakel::testing
