#include "gateway/admin_service.hpp"

#include "gateway/openapi_document.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "audit/record.hpp"
#include "common/log.hpp"
#include "common/text.hpp"
#include "gateway/envelope.hpp"
#include "policy/loader.hpp"

namespace schakel::gateway {

namespace asio = boost::asio;

namespace {

Response json_response(int status, const nlohmann::json& body) {
  return Response{status, "application/json", {}, body.dump()};
}

}  // namespace

std::expected<std::unique_ptr<AdminService>, std::string> AdminService::create(asio::io_context& io,
                                                                               AdminParts parts) {
  auto auth = AdminAuth::load_or_create(parts.settings.data_dir);
  if (!auth) return std::unexpected(auth.error());
  std::unique_ptr<AdminService> service(new AdminService(parts, std::move(*auth)));
  if (auto added = service->add_routes(); !added) return std::unexpected(added.error());
  AdminService* self = service.get();
  HttpHandlers handlers{
      [self](const PeerIdentity& peer, const Request& request) {
        return self->router_.route(peer, request);
      },
      [](const PeerIdentity&, const Request&, const Problem& problem) -> asio::awaitable<Response> {
        co_return problem_response(problem, new_transaction_id());
      }};
  const auto& settings = parts.settings;
  auto listener = HttpServer::bind(
      io, {"admin", settings.admin, nullptr, settings.limits, settings.timeouts, {}},
      std::move(handlers), parts.metrics.admin);
  if (!listener) return std::unexpected(listener.error());
  service->listener_ = std::move(*listener);
  return service;
}

AdminService::~AdminService() {
  listener_.reset();
  reload_pool_.join();
}

std::expected<void, std::string> AdminService::add_routes() {
  auto get = [this](const std::string& path, std::function<Response()> answer) {
    return router_.add("GET", path,
                       [answer = std::move(answer)](const PeerIdentity&, const Request&)
                           -> asio::awaitable<Response> { co_return answer(); });
  };
  if (auto ok = get("/healthz", [] { return json_response(200, {{"status", "ok"}}); }); !ok) {
    return ok;
  }
  if (auto ok = get("/readyz", [this] { return readiness(); }); !ok) return ok;
  if (auto ok = get("/metrics",
                    [this] {
                      return Response{
                          200, "text/plain; version=0.0.4", {}, parts_.metrics.render_prometheus()};
                    });
      !ok) {
    return ok;
  }
  if (auto ok = get("/openapi.json",
                    [] {
                      return Response{200, "application/json", {}, std::string(openapi_document())};
                    });
      !ok) {
    return ok;
  }
  return router_.add("POST", "/admin/reload", [this](const PeerIdentity&, const Request& request) {
    return reload_route(request);
  });
}

Response AdminService::readiness() const {
  const bool audit_ok = parts_.audit.healthy();
  const bool draining = parts_.draining.load();
  const bool ready = audit_ok && !draining;
  return json_response(ready ? 200 : 503, {{"status", ready ? "ready" : "not-ready"},
                                           {"audit", audit_ok ? "ok" : "unavailable"},
                                           {"draining", draining},
                                           {"durable", !parts_.settings.audit.unsafe_skip_fsync},
                                           {"policy", parts_.policy.snapshot()->hash()}});
}

asio::awaitable<Response> AdminService::reload_route(const Request& request) {
  if (auto refused = auth_.check(request)) {
    Response response = problem_response(*refused, new_transaction_id());
    response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"schakel-admin\"");
    co_return response;
  }
  // On the reload thread. Named locals: g++ 12 mishandles capturing lambdas
  // and temporaries inside co_await expressions.
  auto reload_on_pool = [this]() -> asio::awaitable<ReloadResult> { co_return reload(); };
  auto task = reload_on_pool();
  auto completion = asio::co_spawn(reload_pool_, std::move(task), asio::use_awaitable);
  ReloadResult result = co_await std::move(completion);
  nlohmann::json body = {{"status", result.applied ? "reloaded" : "refused"},
                         {"old_policy", result.old_hash},
                         {"policy", result.new_hash},
                         {"errors", result.errors},
                         {"key_epochs", result.key_epochs}};
  if (result.applied) co_return json_response(200, body);
  // A refusal is an RFC 9457 problem too ("status" is then the HTTP status),
  // its errors as an extension member.
  body.erase("status");
  body["result"] = "refused";
  body["type"] = "urn:schakel:problem:policy-invalid";
  body["title"] = "The policy files were refused; the policy in force stays";
  body["status"] = 422;
  body["detail"] = std::to_string(result.errors.size()) + " error(s), each with file and pointer";
  co_return Response{422, "application/problem+json", {}, body.dump()};
}

void AdminService::reload_in_background() {
  asio::post(reload_pool_, [this] { (void)reload(); });
}

ReloadResult AdminService::reload() {
  std::lock_guard lock(reload_mutex_);
  const auto& settings = parts_.settings;
  ReloadResult result;
  result.old_hash = result.new_hash = parts_.policy.snapshot()->hash();
  auto loaded = policy::load_policy({settings.guideline, settings.region});
  if (!loaded) {
    for (const auto& error : loaded.error()) result.errors.push_back(error.to_string());
  } else if (auto formats = adapters::check_formats(**loaded, parts_.codecs); !formats) {
    result.errors.push_back(formats.error());
  } else {
    result.applied = true;
    result.new_hash = (*loaded)->hash();
    parts_.policy.replace(*loaded);
  }
  reload_keys(result);
  // The listener's TLS files anew, CRLs above all; a bad file keeps the context in force.
  if (auto tls = make_server_context(settings.tls)) {
    parts_.server_tls.replace(std::move(*tls));
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
void AdminService::reload_keys(ReloadResult& result) {
  auto epochs = crypto::KeyStore::read_epochs(parts_.settings.keys_dir);
  if (!epochs) {
    result.errors.push_back(epochs.error());
    return;
  }
  parts_.pseudonymiser.set_epochs(*epochs);
  parts_.keys.audit_keys().forget_shredded();
  result.key_epochs = std::move(*epochs);
}

void AdminService::audit_reload(const ReloadResult& result) {
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
  parts_.audit.append(std::move(record), [](std::expected<std::uint64_t, std::string> written) {
    if (!written) log::error("policy.reload_not_audited", {{"error", written.error()}});
  });
}

}  // namespace schakel::gateway
