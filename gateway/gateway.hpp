#pragma once
// The running gateway: owns the I/O threads, the policy in force, the keys,
// the audit log, the upstream pool, the pipeline, the partner listener and the
// admin listener. create() validates everything at start-up — settings,
// policy, keys, certificates, audit store, a codec for every partner's format
// — and refuses to start with a clear message when something is wrong.
// shutdown() drains: stop accepting, let requests in flight finish (up to the
// drain timeout), flush the audit log, stop the threads. reload() (also on
// SIGHUP and POST /admin/reload) validates the policy files anew and swaps
// them in atomically, or keeps the old policy; either way it is audited. It
// also takes up key epochs rotated and audit keys shredded meanwhile, and the
// partner listener's TLS files (CRLs) for new handshakes.
#include <cstdint>
#include <expected>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gateway/settings.hpp"

namespace schakel::gateway {

struct ReloadResult {
  bool applied = false;
  std::string old_hash;
  std::string new_hash;                             // equals old_hash when refused
  std::vector<std::string> errors;                  // FILE: POINTER: MESSAGE, when refused
  std::map<std::string, std::uint32_t> key_epochs;  // taken up from the key directory
};

class Gateway {
 public:
  [[nodiscard]] static std::expected<std::unique_ptr<Gateway>, std::string> create(
      const Settings& settings);
  ~Gateway();

  [[nodiscard]] std::uint16_t port() const;
  [[nodiscard]] std::uint16_t admin_port() const;
  [[nodiscard]] std::string policy_hash() const;

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
