#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <charconv>

#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "gateway/http_server.hpp"
#include "gateway/settings.hpp"
#include "policy/loader.hpp"

namespace schakel::cli {
namespace {

namespace asio = boost::asio;

constexpr const char* kUsage =
    R"(Usage: schakel demo-receiver --config DIR [--cert FILE --key FILE] [--quiet]

Stands in for the endpoints of the region's partners (every loopback endpoint
in the region file): accepts the gateway's deliveries over mutual TLS and
prints what each recipient received. The certificate defaults to receiver.pem
and receiver.key beside the region's CA certificate. With --quiet it prints
nothing per delivery (the upstream of the benchmarks).
)";

constexpr const char* kPrinted[] = {"Schakel-Sender",      "Schakel-Purpose",    "Schakel-Level",
                                    "Schakel-Case",        "Fsc-Transaction-Id", "Schakel-Policy",
                                    "Schakel-Notification"};

// A port the loader checked (policy/loader.cpp: 1..65535); 0 (refused by bind) otherwise.
std::uint16_t port_number(const std::string& text) {
  unsigned value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc{} && end == text.data() + text.size() && value <= 65535
             ? static_cast<std::uint16_t>(value)
             : 0;
}

void print_delivery(const policy::Policy& policy, const std::string& port,
                    const gateway::Request& request) {
  static std::mutex mutex;
  std::string recipient = "(no partner at this endpoint)";
  for (const auto& partner : policy.partners()) {
    if (partner.endpoint.port == port && partner.endpoint.target == request.target) {
      recipient = partner.name + " (" + partner.oin + ")";
    }
  }
  std::lock_guard lock(mutex);
  std::cout << "\n=== delivered to " << recipient << " ===\n";
  for (const char* name : kPrinted) {
    if (const auto* value = request.header(name)) std::cout << name << ": " << *value << "\n";
  }
  auto body = nlohmann::json::parse(request.body, nullptr, false);
  std::cout << (body.is_discarded() ? request.body : body.dump(2)) << "\n" << std::flush;
}

}  // namespace

int demo_receiver_command(int argc, char** argv) {
  Args args(argc, argv, 2, {"config", "cert", "key"}, {"help", "quiet"});
  if (args.flag("help")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (!args.ok() || !args.option("config")) {
    return usage_error("demo-receiver", args.ok() ? "--config DIR is required" : args.error(),
                       kUsage);
  }
  auto settings =
      gateway::load_settings(std::filesystem::path(*args.option("config")) / "schakel.json");
  if (!settings) {
    return fail("demo-receiver", join_lines(settings.error()));
  }
  auto loaded = policy::load_policy({settings->guideline, settings->region});
  if (!loaded) {
    return fail("demo-receiver", join_lines(loaded.error()));
  }
  const auto pki = settings->tls.ca.parent_path();
  gateway::TlsFiles tls = settings->tls;
  tls.server_cert = args.option("cert").value_or((pki / "receiver.pem").string());
  tls.server_key = args.option("key").value_or((pki / "receiver.key").string());
  auto context = gateway::make_server_context(tls);
  if (!context) {
    return fail("demo-receiver", context.error());
  }
  const gateway::TlsContextHolder tls_context(std::move(*context));
  asio::io_context io;
  gateway::ListenerMetrics metrics;
  std::map<std::string, std::unique_ptr<gateway::HttpServer>> servers;  // by host:port
  const std::shared_ptr<const policy::Policy> policy = *loaded;
  for (const auto& partner : policy->partners()) {
    const auto& endpoint = partner.endpoint;
    const std::string key = endpoint.host + ":" + endpoint.port;
    if (servers.contains(key)) continue;
    if (endpoint.host != "127.0.0.1" && endpoint.host != "localhost") continue;
    const std::string port = endpoint.port;
    const bool quiet = args.flag("quiet");
    gateway::HttpHandlers handlers{
        [policy, port, quiet](const gateway::PeerIdentity&, const gateway::Request& request)
            -> asio::awaitable<gateway::Response> {
          if (!quiet) print_delivery(*policy, port, request);
          co_return gateway::Response{200, "application/json", {}, R"({"received":true})"};
        },
        [](const gateway::PeerIdentity&, const gateway::Request&,
           const Problem& problem) -> asio::awaitable<gateway::Response> {
          co_return gateway::Response{
              problem.status(), "text/plain", {}, std::string(problem.title())};
        }};
    gateway::HttpServerOptions options{"demo-receiver",    {"127.0.0.1", port_number(port)},
                                       &tls_context,       settings->limits,
                                       settings->timeouts, {}};
    auto server = gateway::HttpServer::bind(io, options, std::move(handlers), metrics);
    if (!server) return fail("demo-receiver", server.error());
    (*server)->start();
    std::printf("demo-receiver: listening on https://%s for the region's partners\n", key.c_str());
    servers.emplace(key, std::move(*server));
  }
  std::fflush(stdout);
  asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&io](const boost::system::error_code&, int) { io.stop(); });
  io.run();
  return 0;
}

}  // namespace schakel::cli
