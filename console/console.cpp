#include "console/console.hpp"

#include <csignal>
#include <mutex>
#include <thread>

#include <openssl/crypto.h>
#include <boost/algorithm/string/predicate.hpp>
#include <boost/algorithm/string/trim.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>

#include "audit/log_store.hpp"
#include "common/log.hpp"
#include "console/credentials.hpp"
#include "console/totp.hpp"
#include "console/verify_job.hpp"
#include "gateway/http_server.hpp"
#include "gateway/log_reopen_signal.hpp"
#include "gateway/metrics.hpp"
#include "gateway/policy_holder.hpp"
#include "gateway/rate_limiter.hpp"
#include "gateway/router.hpp"
#include "gateway/state.hpp"
#include "gateway/tls.hpp"
#include "policy/bsn.hpp"
#include "policy/loader.hpp"

namespace schakel::console {

namespace asio = boost::asio;

constexpr std::string_view kSessionCookie = "__Host-schakel-session";
constexpr std::string_view kPreSessionCookie = "__Host-schakel-pre";
constexpr std::string_view kLanguageCookie = "schakel-lang";

struct Console::Impl {
  gateway::Settings settings;
  std::function<std::int64_t()> clock;
  std::unique_ptr<gateway::PolicyHolder> policy;
  std::unique_ptr<crypto::KeyStore> keys;
  std::unique_ptr<crypto::Pseudonymiser> pseudonymiser;
  std::unique_ptr<SessionStore> sessions;
  std::unique_ptr<VerifyJob> verify;
  gateway::RateLimiter sign_in_limiter{gateway::RateLimit{5.0 / 15.0, 5}};  // per known user
  gateway::RateLimiter sign_in_overall{gateway::RateLimit{30, 30}};         // every try
  Credential decoy;  // verified when there is no credential: every refusal takes as long
  std::mutex totp_mutex;
  std::map<std::string, std::int64_t> totp_last_step;  // per user: a code is taken once
  std::mutex trail_mutex;
  std::unique_ptr<audit::AuditStore> trail;  // opened at the first record, reopened after an error
  asio::thread_pool work{2};
  std::unique_ptr<asio::io_context> io = std::make_unique<asio::io_context>();
  std::unique_ptr<gateway::TlsContextHolder> tls;
  gateway::Router router{"console"};
  gateway::ListenerMetrics listener_metrics;
  std::unique_ptr<gateway::HttpServer> server;
  std::vector<std::thread> threads;

  // Every request: a certificate with an OIN gets 403 before routing; what
  // the router itself answers (404, 405: JSON naming the routes) becomes a
  // console page that names nothing.
  asio::awaitable<gateway::Response> serve_any(const gateway::PeerIdentity& peer,
                                               const gateway::Request& request);
  asio::awaitable<gateway::Response> serve(Console& console, const PageRoute& route,
                                           const gateway::PeerIdentity& peer,
                                           const gateway::Request& request);
};

namespace {

// The value of cookie `name`, or nullopt when absent or given twice (ambiguous).
std::optional<std::string> cookie(const gateway::Request& request, std::string_view name) {
  const std::string* header = request.header("Cookie");
  if (!header) return std::nullopt;
  std::optional<std::string> found;
  std::string_view rest = *header;
  while (!rest.empty()) {
    const auto end = rest.find(';');
    std::string pair(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    boost::algorithm::trim(pair);
    const auto equals = pair.find('=');
    if (equals == std::string::npos || std::string_view(pair).substr(0, equals) != name) continue;
    if (found) return std::nullopt;
    found = pair.substr(equals + 1);
  }
  return found;
}

bool same(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

gateway::Response refusal(const Visit& visit, int status, std::string_view nl,
                          std::string_view en) {
  return page(visit.frame(std::string(tr(visit.lang, "Geen toegang", "No access"))),
              "<p class=\"error\">" + escape(tr(visit.lang, nl, en)) + "</p>", status);
}

// The form of a POST: application/x-www-form-urlencoded, only the route's fields and "csrf".
std::expected<gateway::QueryParameters, Problem> form_of(const gateway::Request& request,
                                                         std::vector<std::string> accepted) {
  const std::string* type = request.header("Content-Type");
  if (!type ||
      !boost::algorithm::iequals(boost::algorithm::trim_copy(type->substr(0, type->find(';'))),
                                 "application/x-www-form-urlencoded")) {
    return std::unexpected(
        make_problem(ProblemKind::kUnsupportedMediaType, "forms only (urlencoded)"));
  }
  std::string query = "/?";
  for (const char c : request.body) query += c == '+' ? std::string("%20") : std::string(1, c);
  accepted.emplace_back("csrf");
  return gateway::query_parameters(request.body.empty() ? "/" : query, accepted);
}

}  // namespace

const std::string* Visit::field(std::string_view name) const {
  auto it = fields.find(name);
  return it == fields.end() ? nullptr : &it->second;
}

Frame Visit::frame(std::string title) const {
  Frame out;
  out.lang = lang;
  out.title = std::move(title);
  if (user && session) {
    out.user = user->name;
    out.officer = officer();
    out.csrf = session->csrf;
  }
  return out;
}

asio::awaitable<gateway::Response> Console::Impl::serve_any(const gateway::PeerIdentity& peer,
                                                            const gateway::Request& request) {
  Visit visit;  // for the refusals below: no session needed
  visit.lang =
      cookie(request, kLanguageCookie) == std::optional<std::string>("en") ? Lang::kEn : Lang::kNl;
  if (!peer.oin.empty()) {
    co_return refusal(visit, 403, "Certificaten van partners hebben hier geen toegang.",
                      "Partner certificates have no access to the console.");
  }
  auto routed = router.route(peer, request);
  gateway::Response response = co_await std::move(routed);
  if (response.content_type == "application/problem+json" &&
      (response.status == 404 || response.status == 405)) {
    co_return refusal(visit, response.status, "Deze pagina bestaat niet.",
                      "There is no such page.");
  }
  co_return response;
}

asio::awaitable<gateway::Response> Console::Impl::serve(Console& console, const PageRoute& route,
                                                        const gateway::PeerIdentity& peer,
                                                        const gateway::Request& request) {
  Visit visit;
  visit.peer = &peer;
  visit.policy = console.policy();
  visit.lang =
      cookie(request, kLanguageCookie) == std::optional<std::string>("en") ? Lang::kEn : Lang::kNl;
  if (auto id = cookie(request, kSessionCookie)) {
    auto session = sessions->find(*id);
    const policy::ConsoleUser* user = session ? find_user(*visit.policy, session->user) : nullptr;
    const bool bound =
        session && (session->certificate_cn.empty() || session->certificate_cn == peer.common_name);
    if (user && bound) {
      visit.session = std::move(session);
      visit.user = user;
    }
  }
  if (route.need != Need::kAnyone && !visit.session) {
    if (request.method == "GET") co_return see_other("/sign-in");
    co_return refusal(visit, 403, "Meld u eerst aan.", "Sign in first.");
  }
  if (route.need == Need::kOfficer && !visit.officer()) {
    co_return refusal(visit, 403,
                      "Alleen functionarissen gegevensbescherming zien gegevens over personen.",
                      "Only privacy officers see records about persons.");
  }
  if (request.method == "POST") {
    auto form = form_of(request, route.fields);
    if (!form)
      co_return refusal(visit, form.error().status(), form.error().detail, form.error().detail);
    visit.fields = std::move(*form);
    const std::string* site = request.header("Sec-Fetch-Site");
    const std::string* origin = request.header("Origin");
    const std::string* host = request.header("Host");
    // An Origin, when sent, is this console's ("null" only with Sec-Fetch-Site: same-origin).
    const bool same_site = site && *site == "same-origin";
    const bool foreign_origin =
        origin && !(*origin == "null" && same_site) && (!host || *origin != "https://" + *host);
    const auto token = visit.field("csrf");
    const auto expected = visit.session ? std::optional<std::string>(visit.session->csrf)
                                        : cookie(request, kPreSessionCookie);
    if (foreign_origin || (site && *site != "same-origin" && *site != "none") || !token ||
        !expected || !same(*token, *expected)) {
      co_return refusal(visit, 403,
                        "Dit formulier is niet van deze console (CSRF-token ontbreekt).",
                        "This form did not come from this console (CSRF token missing).");
    }
  } else {
    auto query = gateway::query_parameters(request.target, route.fields);
    if (!query) co_return refusal(visit, 400, query.error().detail, query.error().detail);
    visit.fields = std::move(*query);
  }
  co_return co_await route.page(console, visit, request);
}

std::expected<std::unique_ptr<Console>, std::string> Console::create(
    const gateway::Settings& settings, std::function<std::int64_t()> clock) {
  auto impl = std::make_unique<Impl>();
  impl->settings = settings;
  impl->clock =
      clock ? std::move(clock) : [] { return static_cast<std::int64_t>(std::time(nullptr)); };
  auto loaded = policy::load_policy({settings.guideline, settings.region});
  if (!loaded) return std::unexpected("the policy is not valid:\n" + join_lines(loaded.error()));
  impl->policy = std::make_unique<gateway::PolicyHolder>(*loaded);
  auto keys = crypto::KeyStore::load(settings.keys_dir);
  if (!keys) return std::unexpected(keys.error());
  impl->keys = std::make_unique<crypto::KeyStore>(std::move(*keys));
  impl->pseudonymiser = std::make_unique<crypto::Pseudonymiser>(*impl->keys);
  impl->sessions = std::make_unique<SessionStore>(settings.console.session_idle,
                                                  settings.console.session_max, impl->clock);
  impl->verify = std::make_unique<VerifyJob>(
      [&settings = impl->settings] { return gateway::open_trail_source(settings); },
      impl->keys->signing_public_key());
  auto context = gateway::make_server_context(settings.tls, gateway::ClientCertificates::kOptional);
  if (!context) return std::unexpected(context.error());
  impl->tls = std::make_unique<gateway::TlsContextHolder>(std::move(*context));
  if (auto credentials = Credentials::load(Credentials::file_in(settings.data_dir)); !credentials) {
    return std::unexpected(credentials.error());
  }
  auto decoy = Credentials::decoy();
  if (!decoy) return std::unexpected(decoy.error());
  impl->decoy = std::move(*decoy);
  std::unique_ptr<Console> console(new Console(std::move(impl)));
  if (auto pages = add_pages(*console); !pages) return std::unexpected(pages.error());
  gateway::Limits limits = settings.limits;
  limits.max_body_bytes = std::min<std::size_t>(limits.max_body_bytes, 256 * 1024);
  Impl& self = *console->impl_;
  auto server = gateway::HttpServer::bind(
      *self.io,
      {"console", settings.console.listen, self.tls.get(), limits, settings.timeouts,
       [](const gateway::PeerIdentity&) { return false; }},
      {[&self](const gateway::PeerIdentity& peer, const gateway::Request& request) {
         return self.serve_any(peer, request);
       },
       [&self](const gateway::PeerIdentity&, const gateway::Request&,
               const Problem& problem) -> asio::awaitable<gateway::Response> {
         Visit visit;  // not yet read: no language, no session
         co_return refusal(visit, problem.status(), problem.detail, problem.detail);
       }},
      self.listener_metrics);
  if (!server) return std::unexpected(server.error());
  self.server = std::move(*server);
  return console;
}

Console::Console(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Console::~Console() {
  stop();
  for (auto& thread : impl_->threads) {
    if (thread.joinable()) thread.join();
  }
  impl_->work.join();
}

std::uint16_t Console::port() const {
  return impl_->server->port();
}

void Console::start() {
  impl_->server->start();
  for (int i = 0; i < 2; ++i) {
    impl_->threads.emplace_back([this] {
      for (;;) {
        try {
          impl_->io->run();
          return;
        } catch (const std::exception&) {
          log::error("console.handler_exception");
        }
      }
    });
  }
  log::info("console.listening", {{"port", std::to_string(port())}});
}

void Console::stop() {
  if (impl_->server) impl_->server->stop_accepting();
  impl_->io->stop();
}

void Console::run_until_signal() {
  asio::io_context signals_io;
  asio::signal_set signals(signals_io, SIGTERM, SIGINT);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (!ec) signals_io.stop();
  });
  asio::signal_set hangup(signals_io, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_hangup =
      [&](const boost::system::error_code& ec, int) {
        if (ec) return;
        auto loaded = policy::load_policy({impl_->settings.guideline, impl_->settings.region});
        if (loaded) {
          impl_->policy->replace(*loaded);
          log::info("console.policy_reloaded");
        } else {
          log::error("console.policy_invalid", {{"errors", std::to_string(loaded.error().size())}});
        }
        // The TLS context anew: CRLs (tls.crl) revoke an officer's certificate too.
        auto context = gateway::make_server_context(impl_->settings.tls,
                                                    gateway::ClientCertificates::kOptional);
        if (context) {
          impl_->tls->replace(std::move(*context));
        } else {
          log::error("console.tls_reload_failed", {{"error", context.error()}});
        }
        hangup.async_wait(on_hangup);
      };
  hangup.async_wait(on_hangup);
  const gateway::LogReopenSignal log_reopen(signals_io);
  start();
  signals_io.run();
  drain();
}

// Stops accepting, lets the requests in flight finish (at most the drain
// timeout), then stops the I/O threads.
void Console::drain() {
  if (impl_->server) impl_->server->stop_accepting();
  const auto deadline = std::chrono::steady_clock::now() + impl_->settings.timeouts.drain;
  while (impl_->listener_metrics.connections_active.load() > 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  log::info(
      "console.stopped",
      {{"connections_cut", std::to_string(impl_->listener_metrics.connections_active.load())}});
  stop();
}

std::expected<void, std::string> Console::add_page(PageRoute given) {
  auto route = std::make_shared<PageRoute>(std::move(given));
  std::vector<std::string> query =
      route->method == "GET" ? route->fields : std::vector<std::string>{};
  return impl_->router.add(
      route->method, route->path,
      [this, route](const gateway::PeerIdentity& peer, const gateway::Request& request) {
        return impl_->serve(*this, *route, peer, request);
      },
      std::move(query));
}

const gateway::Settings& Console::settings() const {
  return impl_->settings;
}
std::shared_ptr<const policy::Policy> Console::policy() const {
  return impl_->policy->snapshot();
}
const crypto::Pseudonymiser& Console::pseudonymiser() const {
  return *impl_->pseudonymiser;
}
SessionStore& Console::sessions() {
  return *impl_->sessions;
}
VerifyJob& Console::verify() {
  return *impl_->verify;
}
std::int64_t Console::now() const {
  return impl_->clock();
}
asio::any_io_executor Console::work_executor() const {
  return impl_->work.get_executor();
}

const policy::ConsoleUser* find_user(const policy::Policy& policy, std::string_view id) {
  for (const auto& user : policy.console_users()) {
    if (user.id == id) return &user;
  }
  return nullptr;
}

std::vector<std::string> Console::tokens_of_bsn(std::string_view bsn) const {
  // The key directory as it is now: months created or shredded since start count.
  auto keys = crypto::KeyStore::load(impl_->settings.keys_dir);
  if (!keys) return {};
  const crypto::Pseudonymiser pseudonymiser(*keys);
  return pseudonymiser.audit_tokens(pseudonymiser.subject_of_bsn(bsn));
}

Console::SignIn Console::password_sign_in(const policy::ConsoleUser* user,
                                          std::string_view password, std::string_view code) {
  if (!impl_->sign_in_overall.try_take("all")) return SignIn::kThrottled;
  const bool within = user && impl_->sign_in_limiter.try_take(user->id);
  auto credentials = Credentials::load(Credentials::file_in(impl_->settings.data_dir));
  if (!credentials) log::error("console.credentials_unreadable", {{"error", credentials.error()}});
  const Credential* credential = within && credentials ? credentials->find(user->id) : nullptr;
  const bool matches =
      Credentials::password_matches(credential ? *credential : impl_->decoy, password);
  if (!credential || !matches) return SignIn::kRefused;
  std::lock_guard lock(impl_->totp_mutex);
  auto& last = impl_->totp_last_step[user->id];
  auto step = totp_accepts(credential->totp_secret, code, now(), last);
  if (!step) return SignIn::kRefused;
  last = *step;
  return SignIn::kAccepted;
}

asio::awaitable<std::expected<std::uint64_t, std::string>> Console::record(
    audit::AuditRecord record) {
  record.kind = "console";
  record.start_time = record.end_time = log::timestamp_utc();
  record.policy_hash = policy()->hash();
  if (!audit::is_writable(record)) {  // text that is not UTF-8 would break the chain's JSON
    co_return std::unexpected(std::string("the record holds text that is not UTF-8"));
  }
  // Named, then awaited: g++ 12 double-frees a capturing lambda written inside a co_await.
  auto append = [this, record]() -> std::expected<std::uint64_t, std::string> {
    std::lock_guard lock(impl_->trail_mutex);
    if (!impl_->trail) {
      auto opened = gateway::open_trail(impl_->settings, impl_->keys->signing_public_key());
      if (!opened) return std::unexpected(opened.error());
      impl_->trail = std::move(*opened);
    }
    auto sequence = gateway::append_signed(impl_->settings, *impl_->trail, *impl_->keys, record);
    if (!sequence) impl_->trail.reset();
    return sequence;
  };
  auto ran = blocking(std::move(append));
  auto appended = co_await std::move(ran);
  if (!appended) co_return std::unexpected(std::string("the record could not be written"));
  if (!*appended) log::error("console.record_failed", {{"error", appended->error()}});
  co_return std::move(*appended);
}

}  // namespace schakel::console
