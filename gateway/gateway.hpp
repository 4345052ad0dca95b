#pragma once
// The running gateway: builds the parts — policy in force, keys, audit log,
// upstream pool, pipeline, the partner listener with its router, the admin
// service — wires them, and runs their lifecycle; it serves nothing itself.
// create() validates everything at start-up — settings, policy, keys,
// certificates, audit store, a codec for every partner's format — and
// refuses to start with a clear message when something is wrong. shutdown()
// drains: stop accepting, let requests in flight finish (up to the drain
// timeout), flush the audit log, stop the threads. reload() (also on SIGHUP
// and POST /admin/reload) is the admin service's (admin_service.hpp).
#include <cstdint>
#include <expected>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gateway/reload.hpp"
#include "gateway/settings.hpp"

namespace schakel::gateway {

// One endpoint of a listener ("partner" or "admin"): docs/openapi.json
// describes exactly these (tests/gateway/openapi_test.cpp).
struct ListenerEndpoint {
  std::string listener;
  std::string method;
  std::string path;  // "/v1/signals/{id}"
};

class Gateway {
 public:
  [[nodiscard]] static std::expected<std::unique_ptr<Gateway>, std::string> create(
      const Settings& settings);
  ~Gateway();

  [[nodiscard]] std::uint16_t port() const;
  [[nodiscard]] std::uint16_t admin_port() const;
  [[nodiscard]] std::string policy_hash() const;
  [[nodiscard]] std::vector<ListenerEndpoint> endpoints() const;

  void start();             // threads begin serving
  void shutdown();          // graceful; idempotent; callable from any thread
  void wait();              // until the threads have stopped
  void run_until_signal();  // start(); SIGTERM/SIGINT -> shutdown(); SIGHUP -> reload(); wait()
  // Blocking: loads and validates the policy files; call off the I/O threads.
  ReloadResult reload();

 private:
  struct Impl;
  explicit Gateway(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace schakel::gateway
