#include "gateway/gateway.hpp"

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
#include "gateway/admin_service.hpp"
#include "gateway/cases_route.hpp"
#include "gateway/courier.hpp"
#include "gateway/federation_route.hpp"
#include "gateway/federation_signals_route.hpp"
#include "gateway/handovers_route.hpp"
#include "gateway/http_server.hpp"
#include "gateway/inzage_route.hpp"
#include "gateway/log_reopen_signal.hpp"
#include "gateway/message_queueing.hpp"
#include "gateway/message_status_route.hpp"
#include "gateway/messages_route.hpp"
#include "gateway/notifier.hpp"
#include "gateway/pipeline.hpp"
#include "gateway/policy_holder.hpp"
#include "gateway/reidentify_route.hpp"
#include "gateway/router.hpp"
#include "gateway/service_notify.hpp"
#include "gateway/signals_route.hpp"
#include "gateway/state.hpp"
#include "gateway/tls.hpp"
#include "gateway/upstream_pool.hpp"
#include "policy/loader.hpp"
#include "region/claim.hpp"
#include "region/sqlite_case_store.hpp"
#include "region/sqlite_escrow_store.hpp"
#include "region/sqlite_message_queue.hpp"
#include "region/sqlite_record_outbox.hpp"
#include "region/sqlite_signal_store.hpp"

namespace schakel::gateway {

namespace asio = boost::asio;

// The parts, declared so that their implicit destruction runs in the one
// safe order (members die last-declared first): the work guard, then the I/O
// objects (the admin service, after waiting for a reload under way; the
// partner listener; the upstream pool), then the io_context — and with it the
// coroutine frames still queued on it — while everything those frames refer
// to (pipeline, audit log, policy, keys) is still alive.
struct Gateway::Impl {
  Settings settings;
  Metrics metrics;
  std::atomic<bool> draining{false};
  std::once_flag shutdown_once;
  std::vector<std::thread> threads;
  adapters::CodecRegistry codecs;
  std::unique_ptr<PolicyHolder> policy;
  std::unique_ptr<crypto::KeyStore> keys;
  std::unique_ptr<crypto::Pseudonymiser> pseudonymiser;
  std::unique_ptr<TlsContextHolder> server_tls;  // replaced on reload (CRLs)
  std::unique_ptr<asio::ssl::context> client_tls;
  std::unique_ptr<audit::AuditLog> audit;
  std::unique_ptr<Pipeline> pipeline;
  std::unique_ptr<region::SqliteSignalStore> signal_store;  // DATA/region.sqlite
  std::unique_ptr<region::SignalService> signals;
  std::unique_ptr<region::SqliteCaseStore> case_store;  // DATA/region.sqlite too
  // The messages' Schakel-Case lookups, on a connection of their own: a WAL
  // reader, never waiting for the region thread's commits.
  std::unique_ptr<region::SqliteCaseStore> case_reader;
  std::unique_ptr<region::SqliteRecordOutbox> outbox;         // and the records it holds
  std::unique_ptr<region::SqliteMessageQueue> message_queue;  // respond-async (issue 15)
  std::unique_ptr<crypto::QueueCipher> queue_cipher;
  std::unique_ptr<MessageQueueing> queueing;
  std::unique_ptr<region::SqliteEscrowStore> escrow_store;  // re-identification (issue 15)
  std::unique_ptr<Escrow> escrow;
  std::unique_ptr<Courier> courier;
  std::unique_ptr<region::CaseService> cases;
  // The region's SQLite work (it waits for fsync), off the I/O threads;
  // joined in wait() after them, before anything it refers to is destroyed.
  asio::thread_pool region_thread{1};
  Router partner_routes{"partner"};
  std::unique_ptr<asio::io_context> io = std::make_unique<asio::io_context>();
  std::unique_ptr<UpstreamPool> upstream;
  std::unique_ptr<Notifier> notifier;
  std::unique_ptr<HttpServer> partner_listener;
  std::unique_ptr<AdminService> admin;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work{
      io->get_executor()};

  [[nodiscard]] std::expected<void, std::string> build();
  [[nodiscard]] std::expected<void, std::string> build_audit();
  [[nodiscard]] std::expected<void, std::string> build_partner_listener();
  asio::awaitable<void> drain();
  asio::awaitable<Response> serve_partner(const PeerIdentity& peer, const Request& request);
  void run_io();
};

// One I/O thread. A handler that throws (Asio lets it propagate out of run())
// ends the exchange it served; the thread logs it and goes on serving.
void Gateway::Impl::run_io() {
  for (;;) {
    try {
      io->run();
      return;
    } catch (const std::exception&) {
      ++metrics.io_exceptions;
      log::error("gateway.handler_exception");
    }
  }
}

// Builds every part and wires them; refuses to start with a message naming
// what is wrong. The one place that states which part uses which.
std::expected<void, std::string> Gateway::Impl::build() {
  auto loaded = policy::load_policy({settings.guideline, settings.region});
  if (!loaded) return std::unexpected("the policy is not valid:\n" + join_lines(loaded.error()));
  if (auto ok = adapters::check_formats(**loaded, codecs); !ok) return ok;
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

  if (auto ok = build_audit(); !ok) return ok;

  auto region_db = open_region_state(settings, settings.timeouts.audit_busy);
  if (!region_db) return std::unexpected(region_db.error());
  signal_store = std::make_unique<region::SqliteSignalStore>(*region_db);
  case_store = std::make_unique<region::SqliteCaseStore>(*region_db);
  auto reader_db = open_region_state(settings, settings.timeouts.audit_busy);
  if (!reader_db) return std::unexpected(reader_db.error());
  case_reader = std::make_unique<region::SqliteCaseStore>(*reader_db);
  outbox = std::make_unique<region::SqliteRecordOutbox>(*region_db);
  message_queue = std::make_unique<region::SqliteMessageQueue>(*region_db);
  queue_cipher = std::make_unique<crypto::QueueCipher>(keys->queue_key());
  queueing = std::make_unique<MessageQueueing>(
      QueueParts{*message_queue, *queue_cipher, region_thread.get_executor(),
                 [this] { notifier->wake(); }, settings.clock});
  escrow_store = std::make_unique<region::SqliteEscrowStore>(*region_db);
  escrow = std::make_unique<Escrow>(*escrow_store, *pseudonymiser, region_thread.get_executor(),
                                    settings.keys_dir, keys->reidentification_key(),
                                    [this] { keys->forget_reidentification_key(); });
  if (auto marked = outbox->after_restart(); !marked) return std::unexpected(marked.error());
  const std::int64_t started = settings.clock ? settings.clock() : std::time(nullptr);
  if (auto released = region::release_claims(**region_db, started); !released) {
    return std::unexpected(released.error());
  }
  signals = std::make_unique<region::SignalService>(*signal_store, *pseudonymiser);
  cases = std::make_unique<region::CaseService>(*case_store, *pseudonymiser);
  upstream = std::make_unique<UpstreamPool>(*io, *client_tls, settings.limits, settings.timeouts);
  pipeline = std::make_unique<Pipeline>(
      *policy, *pseudonymiser, codecs, *audit, *upstream, metrics,
      RateLimit{static_cast<double>(settings.limits.pseudonym_ops_per_minute),
                static_cast<double>(settings.limits.pseudonym_burst)},
      case_reader.get(), queueing.get(), escrow.get());
  courier = std::make_unique<Courier>(CourierParts{
      *policy, *message_queue, *outbox, *signal_store, *queue_cipher, *audit, *upstream,
      region_thread.get_executor(), settings.clock, &metrics.open_handovers});
  notifier = std::make_unique<Notifier>(
      io->get_executor(),
      NotifierParts{*policy, *signal_store, *case_store, *outbox, *signals, *audit, *upstream,
                    region_thread.get_executor(), courier.get(), std::chrono::milliseconds(1000),
                    settings.clock});
  if (auto ok = build_partner_listener(); !ok) return ok;
  notifier->start();

  auto service = AdminService::create(*io, {settings, *policy, codecs, *keys, *pseudonymiser,
                                            *server_tls, *audit, metrics, draining});
  if (!service) return std::unexpected(service.error());
  admin = std::move(*service);
  return {};
}

std::expected<void, std::string> Gateway::Impl::build_audit() {
  auto store = open_trail(settings, keys->signing_public_key());
  if (!store) return std::unexpected(store.error());
  if (settings.audit.unsafe_skip_fsync) {
    log::warn("audit.not_durable", {{"reason",
                                     "audit.unsafe_skip_fsync is set: a benchmark "
                                     "diagnostic, never for real messages"}});
  }
  audit::AuditLogOptions options;
  options.signer = audit::ed25519_signer(keys->signing_key().bytes().data());
  options.checkpoint_records = settings.audit.checkpoint_records;
  options.checkpoint_interval = settings.audit.checkpoint_interval;
  if (settings.store.kind == StoreSettings::Kind::kPostgresql) {
    options.idle_probe_interval = std::chrono::seconds(1);  // /readyz follows the database
  }
  if (!settings.audit.witness.empty()) {
    auto opened = audit::WitnessFile::open(settings.audit.witness);
    if (!opened) return std::unexpected(opened.error());
    options.on_checkpoint = [this, witness = std::shared_ptr<audit::WitnessFile>(
                                       std::move(*opened))](const audit::Checkpoint& checkpoint) {
      auto published = witness->publish(checkpoint);
      if (!published) ++metrics.witness_failures;
      return published;
    };
  }
  audit = std::make_unique<audit::AuditLog>(std::move(*store), options);
  return {};
}

// Every request of the partner listener: a stranger past its rate gets 429
// without a record, whatever the route; anyone else is routed.
asio::awaitable<Response> Gateway::Impl::serve_partner(const PeerIdentity& peer,
                                                       const Request& request) {
  if (auto throttled = pipeline->throttle_stranger(peer)) co_return *throttled;
  auto routed = partner_routes.route(peer, request);
  co_return co_await std::move(routed);
}

// The partner listener and its routes: each endpoint is one file that
// registers itself here (messages_route.cpp: POST /v1/messages;
// federation_route.cpp: POST /v1/federation/messages;
// federation_signals_route.cpp: POST /v1/federation/signals|notifications;
// message_status_route.cpp: GET /v1/messages/{id};
// handovers_route.cpp: /v1/handovers/{id}/accept|decline;
// reidentify_route.cpp: POST /v1/reidentify;
// inzage_route.cpp: POST /v1/inzage;
// signals_route.cpp: /v1/signals, /v1/signals/{id}, /v1/signals/query;
// cases_route.cpp: /v1/cases and /v1/cases/{id}/...).
std::expected<void, std::string> Gateway::Impl::build_partner_listener() {
  if (auto ok = add_messages_route(partner_routes, *pipeline); !ok) return ok;
  if (auto ok = add_federation_route(partner_routes, *pipeline); !ok) return ok;
  if (auto ok = add_handover_routes(partner_routes, {*policy, *audit, *message_queue, *signal_store,
                                                     *outbox, region_thread.get_executor(),
                                                     [this] { notifier->wake(); }, settings.clock});
      !ok) {
    return ok;
  }
  if (auto ok = add_reidentify_route(
          partner_routes, {*policy, *audit, *pseudonymiser, *escrow, region_thread.get_executor(),
                           settings.limits.reidentifications_per_hour});
      !ok) {
    return ok;
  }
  if (auto ok = add_inzage_route(partner_routes, {*policy, *audit, *pseudonymiser, settings,
                                                  region_thread.get_executor()});
      !ok) {
    return ok;
  }
  if (auto ok = add_message_status_route(
          partner_routes, {*policy, *audit, *message_queue, region_thread.get_executor()});
      !ok) {
    return ok;
  }
  if (auto ok = add_signal_routes(partner_routes,
                                  {*policy, *signals, *audit, *outbox, region_thread.get_executor(),
                                   [this] { notifier->wake(); }});
      !ok) {
    return ok;
  }
  if (auto ok = add_federation_signal_routes(
          partner_routes, {*policy, *signals, *audit, *outbox, region_thread.get_executor(),
                           [this] { notifier->wake(); }});
      !ok) {
    return ok;
  }
  if (auto ok = add_case_routes(partner_routes,
                                {*policy, *cases, *audit, *signal_store, *outbox,
                                 region_thread.get_executor(), [this] { notifier->wake(); }});
      !ok) {
    return ok;
  }
  HttpHandlers handlers{
      [this](const PeerIdentity& peer, const Request& request) {
        return serve_partner(peer, request);
      },
      [this](const PeerIdentity& peer, const Request& head, const Problem& problem) {
        return pipeline->refuse_unread(peer, head, problem);
      }};
  auto listener = HttpServer::bind(
      *io,
      {"partner", settings.listen, server_tls.get(), settings.limits, settings.timeouts,
       [this](const PeerIdentity& peer) {
         const auto current = policy->snapshot();
         return current->partner_by_oin(peer.oin) != nullptr ||
                current->peer_by_gateway_oin(peer.oin) != nullptr;
       }},
      std::move(handlers), metrics.partner);
  if (!listener) return std::unexpected(listener.error());
  partner_listener = std::move(*listener);
  return {};
}

asio::awaitable<void> Gateway::Impl::drain() {
  log::info("gateway.draining", {{"in_flight", std::to_string(metrics.requests_active.load())}});
  notify_stopping("draining");
  draining = true;  // /readyz: 503
  asio::steady_timer timer(*io);
  if (settings.timeouts.drain_notice.count() > 0) {
    timer.expires_after(settings.timeouts.drain_notice);
    co_await timer.async_wait(asio::use_awaitable);
  }
  partner_listener->stop_accepting();
  const auto deadline = std::chrono::steady_clock::now() + settings.timeouts.drain;
  while (metrics.requests_active.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(asio::use_awaitable);
  }
  admin->stop_accepting();
  notifier->stop();  // what it has not delivered stays in the store for the next start
  audit->stop();     // writes what is queued, e.g. delivery outcomes
  log::info("gateway.stopped", {{"abandoned", std::to_string(metrics.requests_active.load())}});
  work.reset();
  io->stop();
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
  return impl_->admin->port();
}
std::string Gateway::policy_hash() const {
  return impl_->policy->snapshot()->hash();
}
std::vector<ListenerEndpoint> Gateway::endpoints() const {
  std::vector<ListenerEndpoint> all;
  for (auto& [method, path] : impl_->partner_routes.endpoints())
    all.push_back({"partner", method, path});
  for (auto& [method, path] : impl_->admin->endpoints()) all.push_back({"admin", method, path});
  return all;
}

void Gateway::start() {
  impl_->partner_listener->start();
  impl_->admin->start();
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
  notify_ready("serving region " + policy->region_name() + " on port " + std::to_string(port()));
}

void Gateway::shutdown() {
  std::call_once(impl_->shutdown_once,
                 [this] { asio::co_spawn(*impl_->io, impl_->drain(), asio::detached); });
}

void Gateway::wait() {
  for (auto& thread : impl_->threads) {
    if (thread.joinable()) thread.join();
  }
  impl_->region_thread.join();  // what it still runs completes into the stopped io_context
}

ReloadResult Gateway::reload() {
  return impl_->admin->reload();
}

void Gateway::run_until_signal() {
  asio::signal_set signals(*impl_->io, SIGTERM, SIGINT);
  signals.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    log::info("gateway.signal", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
    shutdown();
  });
  asio::signal_set hangup(*impl_->io, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_hangup =
      [this, &hangup, &on_hangup](const boost::system::error_code& ec, int) {
        if (ec) return;
        log::info("gateway.signal", {{"signal", "SIGHUP"}});
        impl_->admin->reload_in_background();
        hangup.async_wait(on_hangup);
      };
  hangup.async_wait(on_hangup);
  const LogReopenSignal log_reopen(*impl_->io);
  start();
  wait();
}

}  // namespace schakel::gateway
