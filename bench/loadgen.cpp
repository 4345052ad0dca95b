// schakel-loadgen: a closed-loop HTTP/1.1 load generator that speaks mutual
// TLS with keep-alive, so that Schakel, nginx and the bare upstream are driven
// identically. Each connection sends its next request when the previous reply
// has arrived; latencies after the warm-up are kept and summarised as
// percentiles. With --pid it also reads the CPU time and peak resident size
// of the measured server processes from /proc.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "bench/load_profile.hpp"
#include "cli/args.hpp"
#include "gateway/net.hpp"

namespace schakel::bench {
namespace {

using namespace net;  // NOLINT(google-build-using-namespace)
using Clock = std::chrono::steady_clock;

constexpr const char* kUsage = R"(Usage: schakel-loadgen --port N [options]

  --host ADDR          server address (127.0.0.1)
  --port N             server port (required)
  --target PATH        request target (/v1/messages)
  --ca FILE --cert FILE --key FILE
                       mutual TLS: the CA to verify the server, the client
                       certificate and key to present (all three, or --plain)
  --plain              plain HTTP instead of TLS
  --prefer-async       send Prefer: respond-async (the gateway answers 202 once queued)
  --recipient OIN --purpose ID --level N
                       the Schakel-* headers of every request
  --connections N      concurrent keep-alive connections (16)
  --threads N          client threads (1)
  --duration S         measured seconds (10), after --warmup S (2)
  --body-bytes N       size of each message (1024)
  --format F           canonical (application/json), fhir (a FHIR R4 Bundle,
                       application/fhir+json) or signal (the police's signal
                       registration, for --target /v1/signals) (canonical)
  --persons N          recurring persons in the pool (1000)
  --recurring SHARE    share of requests naming a pool person (0.8); 0 makes
                       every request a person never seen before
  --pids LIST          comma-separated server pids: CPU per request, peak RSS
  --label TEXT         name of this run in the JSON line
Prints one JSON line with requests/s, latency percentiles and errors.
)";

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string target = "/v1/messages";
  std::string ca, cert, key;
  bool plain = false;
  bool prefer_async = false;  // Prefer: respond-async (issue 15): 202 once queued
  std::string recipient, purpose, level;
  int connections = 16;
  int threads = 1;
  double duration_s = 10;
  double warmup_s = 2;
  LoadProfile profile;
  std::vector<int> pids;
  std::string label;
};

struct Totals {
  std::mutex mutex;
  std::vector<std::uint32_t> latencies_us;
  std::atomic<std::uint64_t> ok{0}, non_2xx{0}, errors{0}, reconnects{0};
  std::string first_failure;
};

struct Clocks {
  Clock::time_point measure_from, stop_at;
};

http::request<http::string_body> make_request(const Options& options, std::string body) {
  http::request<http::string_body> request{http::verb::post, options.target, 11};
  request.set(http::field::host, options.host);
  request.set(http::field::content_type, options.profile.format == bench::BodyFormat::kFhir
                                             ? "application/fhir+json"
                                             : "application/json");
  if (!options.recipient.empty()) request.set("Schakel-Recipient", options.recipient);
  if (!options.purpose.empty()) request.set("Schakel-Purpose", options.purpose);
  if (!options.level.empty()) request.set("Schakel-Level", options.level);
  if (options.prefer_async) request.set("Prefer", "respond-async");
  request.body() = std::move(body);
  request.prepare_payload();
  return request;
}

void note_failure(Totals& totals, const std::string& what) {
  std::lock_guard lock(totals.mutex);
  if (totals.first_failure.empty()) totals.first_failure = what;
}

// One request-reply on an open stream; false when the connection must be renewed.
template <typename Stream>
asio::awaitable<bool> exchange(Stream& stream, beast::flat_buffer& buffer, const Options& options,
                               MessageSource& source, Totals& totals, const Clocks& clocks,
                               std::vector<std::uint32_t>& latencies) {
  auto request = make_request(options, source.next_body());
  const auto started = Clock::now();
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
  auto [write_error, written] = co_await http::async_write(stream, request, kTuple);
  if (write_error) co_return false;
  http::response<http::string_body> response;
  auto [read_error, read] = co_await http::async_read(stream, buffer, response, kTuple);
  if (read_error) co_return false;
  const auto finished = Clock::now();
  if (started >= clocks.measure_from && finished <= clocks.stop_at) {
    if (response.result_int() / 100 == 2) {
      ++totals.ok;
      latencies.push_back(static_cast<std::uint32_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(finished - started).count()));
    } else {
      ++totals.non_2xx;
      note_failure(totals, std::to_string(response.result_int()) + " " + response.body());
    }
  }
  co_return response.keep_alive();
}

asio::awaitable<void> connection(asio::ssl::context* tls, const Options& options, int index,
                                 Totals& totals, const Clocks& clocks) {
  const std::uint64_t fresh_step = (9'000'000 - options.profile.persons) / options.connections;
  MessageSource source(options.profile, 7919 * (index + 1),
                       options.profile.persons + fresh_step * index);
  std::vector<std::uint32_t> latencies;
  const tcp::endpoint endpoint(asio::ip::make_address(options.host), options.port);
  auto executor = co_await asio::this_coro::executor;
  while (Clock::now() < clocks.stop_at) {
    beast::flat_buffer buffer;
    bool open = true;
    if (tls != nullptr) {
      beast::ssl_stream<beast::tcp_stream> stream(executor, *tls);
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
      auto [connect_error] =
          co_await beast::get_lowest_layer(stream).async_connect(endpoint, kTuple);
      open = !connect_error;
      boost::system::error_code ignored;
      beast::get_lowest_layer(stream).socket().set_option(tcp::no_delay(true), ignored);
      if (open) {
        auto [handshake_error] =
            co_await stream.async_handshake(asio::ssl::stream_base::client, kTuple);
        open = !handshake_error;
      }
      while (open && Clock::now() < clocks.stop_at) {
        open = co_await exchange(stream, buffer, options, source, totals, clocks, latencies);
      }
    } else {
      beast::tcp_stream stream(executor);
      stream.expires_after(std::chrono::seconds(10));
      auto [connect_error] = co_await stream.async_connect(endpoint, kTuple);
      open = !connect_error;
      boost::system::error_code ignored;
      stream.socket().set_option(tcp::no_delay(true), ignored);
      while (open && Clock::now() < clocks.stop_at) {
        open = co_await exchange(stream, buffer, options, source, totals, clocks, latencies);
      }
    }
    if (Clock::now() < clocks.stop_at) {
      if (Clock::now() >= clocks.measure_from) ++totals.errors;
      ++totals.reconnects;
      note_failure(totals, "connection closed or failed");
      asio::steady_timer pause(executor, std::chrono::milliseconds(10));
      co_await pause.async_wait(kTuple);
    }
  }
  std::lock_guard lock(totals.mutex);
  totals.latencies_us.insert(totals.latencies_us.end(), latencies.begin(), latencies.end());
}

struct ProcessSample {
  double cpu_s = 0;
  long peak_rss_kb = 0;
};

ProcessSample sample(const std::vector<int>& pids) {
  ProcessSample total;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  for (int pid : pids) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    std::istringstream fields(line.substr(line.rfind(')') + 2));
    std::string field;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
      if (i == 14 || i == 15) total.cpu_s += std::stod(field) / ticks;
    }
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    while (std::getline(status, line)) {
      if (line.starts_with("VmHWM:")) total.peak_rss_kb += std::stol(line.substr(6));
    }
  }
  return total;
}

double percentile(const std::vector<std::uint32_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1));
  return sorted[rank] / 1000.0;
}

std::optional<Options> parse(int argc, char** argv) {
  cli::Args args(argc, argv, 1,
                 {"host", "port", "target", "ca", "cert", "key", "recipient", "purpose", "level",
                  "connections", "threads", "duration", "warmup", "body-bytes", "persons",
                  "recurring", "pids", "label", "format"},
                 {"plain", "help", "prefer-async"});
  if (args.flag("help")) {
    std::fputs(kUsage, stdout);
    std::exit(0);
  }
  if (!args.ok() || !args.option("port")) {
    std::fprintf(stderr, "schakel-loadgen: %s\n\n%s",
                 args.ok() ? "--port is required" : args.error().c_str(), kUsage);
    return std::nullopt;
  }
  Options options;
  auto text = [&](const char* name, std::string& target) {
    if (auto value = args.option(name)) target = *value;
  };
  auto number = [&](const char* name, auto& target) {
    if (auto value = args.option(name))
      target = static_cast<std::decay_t<decltype(target)>>(std::stod(*value));
  };
  text("host", options.host);
  text("target", options.target);
  text("ca", options.ca);
  text("cert", options.cert);
  text("key", options.key);
  text("recipient", options.recipient);
  text("purpose", options.purpose);
  text("level", options.level);
  text("label", options.label);
  number("port", options.port);
  number("connections", options.connections);
  number("threads", options.threads);
  number("duration", options.duration_s);
  number("warmup", options.warmup_s);
  number("body-bytes", options.profile.body_bytes);
  number("persons", options.profile.persons);
  number("recurring", options.profile.recurring_share);
  options.plain = args.flag("plain");
  options.prefer_async = args.flag("prefer-async");
  if (auto format = args.option("format")) {
    if (*format != "canonical" && *format != "fhir" && *format != "signal") {
      std::fprintf(stderr, "schakel-loadgen: --format is canonical, fhir or signal\n");
      return std::nullopt;
    }
    options.profile.format = *format == "fhir"     ? bench::BodyFormat::kFhir
                             : *format == "signal" ? bench::BodyFormat::kSignal
                                                   : bench::BodyFormat::kCanonical;
  }
  if (auto pids = args.option("pids")) {
    std::istringstream list(*pids);
    for (std::string pid; std::getline(list, pid, ',');) options.pids.push_back(std::stoi(pid));
  }
  if (!options.plain && (options.ca.empty() || options.cert.empty() || options.key.empty())) {
    std::fprintf(stderr, "schakel-loadgen: TLS needs --ca, --cert and --key (or --plain)\n");
    return std::nullopt;
  }
  return options;
}

std::unique_ptr<asio::ssl::context> client_context(const Options& options) {
  auto tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  tls->set_verify_mode(asio::ssl::verify_peer);
  tls->load_verify_file(options.ca);
  tls->use_certificate_chain_file(options.cert);
  tls->use_private_key_file(options.key, asio::ssl::context::pem);
  return tls;
}

nlohmann::json report(const Options& options, Totals& totals, double measured_s,
                      const ProcessSample& before, const ProcessSample& after) {
  auto& latencies = totals.latencies_us;
  std::sort(latencies.begin(), latencies.end());
  const double completed = static_cast<double>(totals.ok.load());
  nlohmann::json line = {
      {"label", options.label},
      {"connections", options.connections},
      {"body_bytes", options.profile.body_bytes},
      {"format", options.profile.format == bench::BodyFormat::kFhir     ? "fhir"
                 : options.profile.format == bench::BodyFormat::kSignal ? "signal"
                                                                        : "canonical"},
      {"recurring", options.profile.recurring_share},
      {"requests", totals.ok.load()},
      {"rps", completed / measured_s},
      {"p50_ms", percentile(latencies, 0.50)},
      {"p99_ms", percentile(latencies, 0.99)},
      {"p999_ms", percentile(latencies, 0.999)},
      {"non_2xx", totals.non_2xx.load()},
      {"errors", totals.errors.load()},
  };
  if (!options.pids.empty() && completed > 0) {
    line["server_cpu_us_per_request"] = (after.cpu_s - before.cpu_s) * 1e6 / completed;
    line["server_peak_rss_mb"] = static_cast<double>(after.peak_rss_kb) / 1024.0;
  }
  if (!totals.first_failure.empty()) line["first_failure"] = totals.first_failure.substr(0, 300);
  return line;
}

}  // namespace
}  // namespace schakel::bench

int main(int argc, char** argv) {
  using namespace schakel::bench;  // NOLINT(google-build-using-namespace)
  auto options = parse(argc, argv);
  if (!options) return 2;
  std::unique_ptr<boost::asio::ssl::context> tls;
  if (!options->plain) {
    try {
      tls = client_context(*options);
    } catch (const std::exception& error) {
      std::fprintf(stderr, "schakel-loadgen: TLS files: %s\n", error.what());
      return 2;
    }
  }
  boost::asio::io_context io(options->threads);
  Totals totals;
  Clocks clocks;
  const auto start = Clock::now();
  clocks.measure_from = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(options->warmup_s));
  clocks.stop_at = clocks.measure_from + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(options->duration_s));
  for (int i = 0; i < options->connections; ++i) {
    boost::asio::co_spawn(io, connection(tls.get(), *options, i, totals, clocks),
                          boost::asio::detached);
  }
  ProcessSample before, after;
  std::thread sampler([&] {
    std::this_thread::sleep_until(clocks.measure_from);
    before = sample(options->pids);
    std::this_thread::sleep_until(clocks.stop_at);
    after = sample(options->pids);
  });
  std::vector<std::thread> workers;
  for (int i = 1; i < options->threads; ++i) workers.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& worker : workers) worker.join();
  sampler.join();
  std::puts(report(*options, totals, options->duration_s, before, after).dump().c_str());
  return totals.ok.load() > 0 ? 0 : 1;
}
