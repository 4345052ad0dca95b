#include "gateway/gateway.hpp"

#include <sys/stat.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <thread>
#include <vector>

#include "adapters/codec.hpp"
#include "audit/audit_log.hpp"
#include "audit/sqlite_store.hpp"
#include "common/log.hpp"
#include "crypto/pseudonymiser.hpp"
#include "gateway/http_server.hpp"
#include "gateway/pipeline.hpp"
#include "gateway/policy_holder.hpp"
#include "gateway/tls.hpp"
#include "gateway/upstream_pool.hpp"
#include "policy/loader.hpp"

namespace schakel::gateway {

namespace asio = boost::asio;

struct Gateway::Impl {
  // Destroys the io_context — and with it the coroutine frames still queued
  // on it — while everything those frames refer to is still alive.
  ~Impl() {
    work.reset();
    partner_listener.reset();
    admin_listener.reset();
    upstream.reset();
    io_owner.reset();
  }

  Settings settings;
  std::unique_ptr<asio::io_context> io_owner = std::make_unique<asio::io_context>();
  asio::io_context& io = *io_owner;
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  std::unique_ptr<asio::ssl::context> server_tls;
  std::unique_ptr<asio::ssl::context> client_tls;
  std::unique_ptr<PolicyHolder> policy;
  std::unique_ptr<crypto::KeyStore> keys;
  std::unique_ptr<crypto::Pseudonymiser> pseudonymiser;
  adapters::CodecRegistry codecs;
  std::unique_ptr<audit::AuditLog> audit;
  Metrics metrics;
  std::unique_ptr<UpstreamPool> upstream;
  std::unique_ptr<Pipeline> pipeline;
  std::unique_ptr<HttpServer> partner_listener;
  std::unique_ptr<HttpServer> admin_listener;
  std::vector<std::thread> threads;
  std::atomic<bool> draining{false};
  std::once_flag shutdown_once;

  [[nodiscard]] std::expected<void, std::string> build();
  [[nodiscard]] Response admin(const Request& request) const;
  asio::awaitable<void> drain();
};

namespace {

std::expected<void, std::string> check_formats(const policy::Policy& policy,
                                               const adapters::CodecRegistry& codecs) {
  for (const auto& partner : policy.partners()) {
    if (!codecs.find(partner.format)) {
      return std::unexpected(policy.region_file() + ": " +
                             partner.rule.substr(partner.rule.find('#') + 1) +
                             "/format: no codec for \"" + partner.format + "\"");
    }
  }
  return {};
}

Response json_response(int status, nlohmann::json body) {
  return Response{status, "application/json", {}, body.dump()};
}

asio::awaitable<Response> route_partner(Pipeline& pipeline, const PeerIdentity& peer,
                                        const Request& request) {
  const std::string transaction_id = new_transaction_id();
  if (request.target != "/v1/messages") {
    co_return problem_response(
        make_problem(ProblemKind::kNotFound, "the only endpoint is POST /v1/messages"),
        transaction_id);
  }
  if (request.method != "POST") {
    Response response = problem_response(
        make_problem(ProblemKind::kMethodNotAllowed, "/v1/messages accepts POST only"),
        transaction_id);
    response.headers.emplace_back("Allow", "POST");
    co_return response;
  }
  co_return co_await pipeline.handle(peer, request);
}

}  // namespace

std::expected<void, std::string> Gateway::Impl::build() {
  auto loaded = policy::load_policy({settings.guideline, settings.region});
  if (!loaded) return std::unexpected("the policy is not valid:\n" + join_lines(loaded.error()));
  if (auto ok = check_formats(**loaded, codecs); !ok) return ok;
  policy = std::make_unique<PolicyHolder>(*loaded);

  auto loaded_keys = crypto::KeyStore::load(settings.keys_dir);
  if (!loaded_keys) return std::unexpected(loaded_keys.error());
  keys = std::make_unique<crypto::KeyStore>(std::move(*loaded_keys));
  pseudonymiser = std::make_unique<crypto::Pseudonymiser>(*keys);

  auto server = make_server_context(settings.tls);
  if (!server) return std::unexpected(server.error());
  server_tls = std::move(*server);
  auto client = make_client_context(settings.tls);
  if (!client) return std::unexpected(client.error());
  client_tls = std::move(*client);

  std::error_code ec;
  std::filesystem::create_directories(settings.data_dir, ec);
  if (ec) return std::unexpected("cannot create data directory " + settings.data_dir.string());
  ::chmod(settings.data_dir.c_str(), 0700);
  auto store = audit::SqliteStore::open(
      {settings.data_dir / "audit.db", static_cast<int>(settings.timeouts.audit_busy.count())});
  if (!store) return std::unexpected(store.error());
  audit::AuditLogOptions audit_options;
  audit_options.signer = audit::ed25519_signer(keys->signing_key().bytes().data());
  audit = std::make_unique<audit::AuditLog>(std::move(*store), audit_options);

  upstream = std::make_unique<UpstreamPool>(io, *client_tls, settings.limits, settings.timeouts);
  pipeline =
      std::make_unique<Pipeline>(*policy, *pseudonymiser, codecs, *audit, *upstream, metrics);

  HttpHandlers partner_handlers{
      [this](const PeerIdentity& peer, const Request& request) {
        return route_partner(*pipeline, peer, request);
      },
      [this](const PeerIdentity& peer, const Request& head, const Problem& problem) {
        return pipeline->refuse_unread(peer, head, problem);
      }};
  auto partner = HttpServer::bind(
      io, {"partner", settings.listen, server_tls.get(), settings.limits, settings.timeouts},
      std::move(partner_handlers), metrics);
  if (!partner) return std::unexpected(partner.error());
  partner_listener = std::move(*partner);

  HttpHandlers admin_handlers{
      [this](const PeerIdentity&, const Request& request) -> asio::awaitable<Response> {
        co_return admin(request);
      },
      [](const PeerIdentity&, const Request&, const Problem& problem) -> asio::awaitable<Response> {
        co_return problem_response(problem, new_transaction_id());
      }};
  auto admin_server =
      HttpServer::bind(io, {"admin", settings.admin, nullptr, settings.limits, settings.timeouts},
                       std::move(admin_handlers), metrics);
  if (!admin_server) return std::unexpected(admin_server.error());
  admin_listener = std::move(*admin_server);
  return {};
}

Response Gateway::Impl::admin(const Request& request) const {
  if (request.method != "GET") return json_response(405, {{"error", "GET only"}});
  if (request.target == "/healthz") return json_response(200, {{"status", "ok"}});
  if (request.target == "/readyz") {
    const bool audit_ok = audit->healthy();
    const bool ready = audit_ok && !draining.load();
    return json_response(ready ? 200 : 503, {{"status", ready ? "ready" : "not-ready"},
                                             {"audit", audit_ok ? "ok" : "unavailable"},
                                             {"draining", draining.load()},
                                             {"policy", policy->snapshot()->hash()}});
  }
  if (request.target == "/metrics") {
    return Response{200, "text/plain; version=0.0.4", {}, metrics.render_prometheus()};
  }
  return json_response(404, {{"error", "unknown admin endpoint"}});
}

asio::awaitable<void> Gateway::Impl::drain() {
  log::info("gateway.draining", {{"in_flight", std::to_string(metrics.requests_active.load())}});
  draining = true;
  partner_listener->stop_accepting();
  asio::steady_timer timer(io);
  const auto deadline = std::chrono::steady_clock::now() + settings.timeouts.drain;
  while (metrics.requests_active.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(asio::use_awaitable);
  }
  admin_listener->stop_accepting();
  audit->stop();  // writes what is queued, e.g. delivery outcomes
  log::info("gateway.stopped", {{"abandoned", std::to_string(metrics.requests_active.load())}});
  work.reset();
  io.stop();
}

Gateway::Gateway(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Gateway::~Gateway() {
  if (!impl_) return;
  shutdown();
  wait();
}

std::expected<std::unique_ptr<Gateway>, std::string> Gateway::create(const Settings& settings) {
  auto impl = std::make_unique<Impl>();
  impl->settings = settings;
  if (auto ok = impl->build(); !ok) return std::unexpected(ok.error());
  return std::unique_ptr<Gateway>(new Gateway(std::move(impl)));
}

std::uint16_t Gateway::port() const {
  return impl_->partner_listener->port();
}
std::uint16_t Gateway::admin_port() const {
  return impl_->admin_listener->port();
}
std::string Gateway::policy_hash() const {
  return impl_->policy->snapshot()->hash();
}

void Gateway::start() {
  impl_->partner_listener->start();
  impl_->admin_listener->start();
  for (int i = 0; i < impl_->settings.threads; ++i) {
    impl_->threads.emplace_back([this] { impl_->io.run(); });
  }
  const auto policy = impl_->policy->snapshot();
  log::info("gateway.started",
            {{"region", policy->region_name()},
             {"listen", impl_->settings.listen.address + ":" + std::to_string(port())},
             {"admin", impl_->settings.admin.address + ":" + std::to_string(admin_port())},
             {"threads", std::to_string(impl_->settings.threads)},
             {"policy", policy->hash()}});
}

void Gateway::shutdown() {
  std::call_once(impl_->shutdown_once,
                 [this] { asio::co_spawn(impl_->io, impl_->drain(), asio::detached); });
}

void Gateway::wait() {
  for (auto& thread : impl_->threads) {
    if (thread.joinable()) thread.join();
  }
}

void Gateway::run_until_signal() {
  asio::signal_set signals(impl_->io, SIGTERM, SIGINT);
  signals.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    log::info("gateway.signal", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
    shutdown();
  });
  start();
  wait();
}

}  // namespace schakel::gateway
