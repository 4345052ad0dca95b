#include "gateway/gateway.hpp"

#include <sys/stat.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "adapters/codec.hpp"
#include "audit/audit_log.hpp"
#include "audit/log_store.hpp"
#include "audit/witness.hpp"
#include "common/log.hpp"
#include "common/text.hpp"
#include "crypto/pseudonymiser.hpp"
#include "gateway/admin_auth.hpp"
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
    reload_pool.join();
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
  std::unique_ptr<TlsContextHolder> server_tls;  // replaced on reload (CRLs)
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
  std::unique_ptr<AdminAuth> admin_auth;
  std::vector<std::thread> threads;
  std::atomic<bool> draining{false};
  std::once_flag shutdown_once;

  asio::thread_pool reload_pool{1};  // policy files are read off the I/O threads
  std::mutex reload_mutex;

  [[nodiscard]] std::expected<void, std::string> build();
  [[nodiscard]] Response admin(const Request& request) const;
  asio::awaitable<Response> admin_reload();
  ReloadResult reload();
  void audit_reload(const ReloadResult& result);
  void reload_keys(ReloadResult& result);
  asio::awaitable<void> drain();
  void run_io();
};

// One I/O thread. A handler that throws (Asio lets it propagate out of run())
// ends the exchange it served; the thread logs it and goes on serving.
void Gateway::Impl::run_io() {
  for (;;) {
    try {
      io.run();
      return;
    } catch (const std::exception&) {
      ++metrics.handler_exceptions;
      log::error("gateway.handler_exception");
    }
  }
}

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
  pseudonymiser = std::make_unique<crypto::Pseudonymiser>(
      *keys,
      crypto::PseudonymiserOptions{.cache_entries = settings.limits.pseudonym_cache_entries});

  auto server = make_server_context(settings.tls);
  if (!server) return std::unexpected(server.error());
  server_tls = std::make_unique<TlsContextHolder>(std::move(*server));
  auto client = make_client_context(settings.tls);
  if (!client) return std::unexpected(client.error());
  client_tls = std::move(*client);

  std::error_code ec;
  std::filesystem::create_directories(settings.data_dir, ec);
  if (ec) return std::unexpected("cannot create data directory " + settings.data_dir.string());
  ::chmod(settings.data_dir.c_str(), 0700);
  auto auth = AdminAuth::load_or_create(settings.data_dir);
  if (!auth) return std::unexpected(auth.error());
  admin_auth = std::make_unique<AdminAuth>(std::move(*auth));
  auto store = audit::LogStore::open(
      {trail_directory(settings), settings.audit.segment_megabytes * 1024 * 1024,
       settings.audit.unsafe_skip_fsync, settings.timeouts.audit_busy});
  if (!store) return std::unexpected(store.error());
  if (settings.audit.unsafe_skip_fsync) {
    log::warn("audit.not_durable", {{"reason",
                                     "audit.unsafe_skip_fsync is set: a benchmark "
                                     "diagnostic, never for real messages"}});
  }
  audit::AuditLogOptions audit_options;
  audit_options.signer = audit::ed25519_signer(keys->signing_key().bytes().data());
  audit_options.checkpoint_records = settings.audit.checkpoint_records;
  audit_options.checkpoint_interval = settings.audit.checkpoint_interval;
  if (!settings.audit.witness.empty()) {
    auto opened = audit::WitnessFile::open(settings.audit.witness);
    if (!opened) return std::unexpected(opened.error());
    audit_options.on_checkpoint = [this, witness = std::shared_ptr<audit::WitnessFile>(std::move(
                                             *opened))](const audit::Checkpoint& checkpoint) {
      auto published = witness->publish(checkpoint);
      if (!published) ++metrics.witness_failures;
      return published;
    };
  }
  audit = std::make_unique<audit::AuditLog>(std::move(*store), audit_options);

  upstream = std::make_unique<UpstreamPool>(io, *client_tls, settings.limits, settings.timeouts);
  pipeline = std::make_unique<Pipeline>(
      *policy, *pseudonymiser, codecs, *audit, *upstream, metrics,
      RateLimit{static_cast<double>(settings.limits.pseudonym_ops_per_minute),
                static_cast<double>(settings.limits.pseudonym_burst)});

  HttpHandlers partner_handlers{
      [this](const PeerIdentity& peer, const Request& request) {
        return route_partner(*pipeline, peer, request);
      },
      [this](const PeerIdentity& peer, const Request& head, const Problem& problem) {
        return pipeline->refuse_unread(peer, head, problem);
      }};
  auto partner = HttpServer::bind(
      io,
      {"partner", settings.listen, server_tls.get(), settings.limits, settings.timeouts,
       [this](const PeerIdentity& peer) {
         return policy->snapshot()->partner_by_oin(peer.oin) != nullptr;
       }},
      std::move(partner_handlers), metrics);
  if (!partner) return std::unexpected(partner.error());
  partner_listener = std::move(*partner);

  HttpHandlers admin_handlers{
      [this](const PeerIdentity&, const Request& request) -> asio::awaitable<Response> {
        if (request.target == "/admin/reload" && request.method != "POST") {
          co_return problem_response(
              make_problem(ProblemKind::kMethodNotAllowed, "/admin/reload answers POST only"),
              new_transaction_id());
        }
        if (request.target == "/admin/reload") {
          if (auto refused = admin_auth->check(request)) {
            co_return problem_response(*refused, new_transaction_id());
          }
          co_return co_await admin_reload();
        }
        co_return admin(request);
      },
      [](const PeerIdentity&, const Request&, const Problem& problem) -> asio::awaitable<Response> {
        co_return problem_response(problem, new_transaction_id());
      }};
  auto admin_server = HttpServer::bind(
      io, {"admin", settings.admin, nullptr, settings.limits, settings.timeouts, {}},
      std::move(admin_handlers), metrics);
  if (!admin_server) return std::unexpected(admin_server.error());
  admin_listener = std::move(*admin_server);
  return {};
}

Response Gateway::Impl::admin(const Request& request) const {
  if (request.method != "GET") {
    return problem_response(make_problem(ProblemKind::kMethodNotAllowed,
                                         "the admin endpoints answer GET (reload: POST)"),
                            new_transaction_id());
  }
  if (request.target == "/healthz") return json_response(200, {{"status", "ok"}});
  if (request.target == "/readyz") {
    const bool audit_ok = audit->healthy();
    const bool ready = audit_ok && !draining.load();
    return json_response(ready ? 200 : 503, {{"status", ready ? "ready" : "not-ready"},
                                             {"audit", audit_ok ? "ok" : "unavailable"},
                                             {"draining", draining.load()},
                                             {"durable", !settings.audit.unsafe_skip_fsync},
                                             {"policy", policy->snapshot()->hash()}});
  }
  if (request.target == "/metrics") {
    return Response{200, "text/plain; version=0.0.4", {}, metrics.render_prometheus()};
  }
  return problem_response(make_problem(ProblemKind::kNotFound, "no such admin endpoint"),
                          new_transaction_id());
}

ReloadResult Gateway::Impl::reload() {
  std::lock_guard lock(reload_mutex);
  ReloadResult result;
  result.old_hash = result.new_hash = policy->snapshot()->hash();
  auto loaded = policy::load_policy({settings.guideline, settings.region});
  if (!loaded) {
    for (const auto& error : loaded.error()) result.errors.push_back(error.to_string());
  } else if (auto formats = check_formats(**loaded, codecs); !formats) {
    result.errors.push_back(formats.error());
  } else {
    result.applied = true;
    result.new_hash = (*loaded)->hash();
    policy->replace(*loaded);
  }
  reload_keys(result);
  // The listener's TLS files anew, CRLs above all; a bad file keeps the context in force.
  if (auto tls = make_server_context(settings.tls)) {
    server_tls->replace(std::move(*tls));
  } else {
    result.errors.push_back(tls.error());
    log::warn("tls.reload_refused", {{"error", tls.error()}});
  }
  audit_reload(result);
  if (result.applied) {
    log::info("policy.reloaded", {{"old", result.old_hash}, {"new", result.new_hash}});
  } else {
    log::warn("policy.reload_refused",
              {{"kept", result.old_hash}, {"errors", std::to_string(result.errors.size())}});
    for (const auto& error : result.errors) log::warn("policy.error", {{"error", error}});
  }
  return result;
}

// Key epochs rotated and audit keys shredded by `schakel keys` since start.
void Gateway::Impl::reload_keys(ReloadResult& result) {
  auto epochs = crypto::KeyStore::read_epochs(settings.keys_dir);
  if (!epochs) {
    result.errors.push_back(epochs.error());
    return;
  }
  pseudonymiser->set_epochs(*epochs);
  keys->audit_keys().forget_shredded();
  result.key_epochs = std::move(*epochs);
}

void Gateway::Impl::audit_reload(const ReloadResult& result) {
  std::vector<std::string> epochs;
  for (const auto& [domain, epoch] : result.key_epochs) {
    epochs.push_back(domain + ":" + std::to_string(epoch));
  }
  auto record = audit::event_record("policy-reload", result.applied ? "reloaded" : "refused",
                                    {{"old_hash", result.old_hash},
                                     {"new_hash", result.new_hash},
                                     {"errors", std::to_string(result.errors.size())},
                                     {"key_epochs", join(epochs, ",")}});
  record.policy_hash = result.new_hash;
  audit->append(std::move(record), [](std::expected<std::uint64_t, std::string> written) {
    if (!written) log::error("policy.reload_not_audited", {{"error", written.error()}});
  });
}

asio::awaitable<Response> Gateway::Impl::admin_reload() {
  // Runs on the reload pool. Named locals: g++ 12 mishandles capturing
  // lambdas and temporaries inside co_await expressions.
  auto reload_on_pool = [this]() -> asio::awaitable<ReloadResult> { co_return reload(); };
  auto task = reload_on_pool();
  auto completion = asio::co_spawn(reload_pool, std::move(task), asio::use_awaitable);
  ReloadResult result = co_await std::move(completion);
  nlohmann::json body = {{"status", result.applied ? "reloaded" : "refused"},
                         {"old_policy", result.old_hash},
                         {"policy", result.new_hash},
                         {"errors", result.errors},
                         {"key_epochs", result.key_epochs}};
  co_return json_response(result.applied ? 200 : 422, std::move(body));
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
    impl_->threads.emplace_back([this] { impl_->run_io(); });
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

ReloadResult Gateway::reload() {
  return impl_->reload();
}

void Gateway::run_until_signal() {
  asio::signal_set signals(impl_->io, SIGTERM, SIGINT);
  signals.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    log::info("gateway.signal", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
    shutdown();
  });
  asio::signal_set hangup(impl_->io, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_hangup =
      [this, &hangup, &on_hangup](const boost::system::error_code& ec, int) {
        if (ec) return;
        log::info("gateway.signal", {{"signal", "SIGHUP"}});
        asio::post(impl_->reload_pool, [this] { (void)impl_->reload(); });
        hangup.async_wait(on_hangup);
      };
  hangup.async_wait(on_hangup);
  start();
  wait();
}

}  // namespace schakel::gateway
