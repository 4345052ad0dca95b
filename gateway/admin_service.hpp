#pragma once
// The admin listener (plain HTTP, loopback only) and what it serves, each a
// route of its own router: GET /healthz, GET /readyz (503 while the audit
// store fails or while draining), GET /metrics (Prometheus text),
// GET /openapi.json (the API's description, openapi_document.hpp) and
// POST /admin/reload (bearer token, admin_auth.hpp). Every refusal is
// problem+json; its connections are counted under listener="admin".
//
// Reload — from POST /admin/reload, SIGHUP or Gateway::reload — validates
// the policy files anew and swaps them in atomically (or keeps the old
// policy and says why), takes up key epochs rotated and audit keys shredded
// meanwhile, and the partner listener's TLS files (CRLs) for new handshakes;
// it is audited either way. Reloads run one at a time on the service's own
// thread, never on an I/O thread (they read files).
#include <atomic>
#include <cstdint>
#include <expected>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include "adapters/codec.hpp"
#include "audit/audit_log.hpp"
#include "crypto/key_store.hpp"
#include "crypto/pseudonymiser.hpp"
#include "gateway/admin_auth.hpp"
#include "gateway/http_server.hpp"
#include "gateway/metrics.hpp"
#include "gateway/policy_holder.hpp"
#include "gateway/reload.hpp"
#include "gateway/router.hpp"
#include "gateway/settings.hpp"
#include "gateway/tls.hpp"

namespace schakel::gateway {

// What the service reads and replaces; all outlive it.
struct AdminParts {
  const Settings& settings;
  PolicyHolder& policy;
  const adapters::CodecRegistry& codecs;
  crypto::KeyStore& keys;
  crypto::Pseudonymiser& pseudonymiser;
  TlsContextHolder& server_tls;
  audit::AuditLog& audit;
  Metrics& metrics;
  const std::atomic<bool>& draining;
};

class AdminService {
 public:
  [[nodiscard]] static std::expected<std::unique_ptr<AdminService>, std::string> create(
      boost::asio::io_context& io, AdminParts parts);
  ~AdminService();  // waits for a reload under way
  AdminService(const AdminService&) = delete;
  AdminService& operator=(const AdminService&) = delete;

  [[nodiscard]] std::uint16_t port() const { return listener_->port(); }
  [[nodiscard]] std::vector<Router::Endpoint> endpoints() const { return router_.endpoints(); }
  void start() { listener_->start(); }
  void stop_accepting() { listener_->stop_accepting(); }

  // Blocking; call off the I/O threads.
  ReloadResult reload();
  // As SIGHUP: on the service's thread, without waiting.
  void reload_in_background();

 private:
  AdminService(AdminParts parts, AdminAuth auth) : parts_(parts), auth_(std::move(auth)) {}
  [[nodiscard]] std::expected<void, std::string> add_routes();
  boost::asio::awaitable<Response> reload_route(const Request& request);
  [[nodiscard]] Response readiness() const;
  void reload_keys(ReloadResult& result);
  void audit_reload(const ReloadResult& result);

  AdminParts parts_;
  AdminAuth auth_;
  Router router_{"admin"};
  boost::asio::thread_pool reload_pool_{1};
  std::mutex reload_mutex_;
  std::unique_ptr<HttpServer> listener_;  // last: its connections use everything above
};

}  // namespace schakel::gateway
