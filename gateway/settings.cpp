#include "gateway/settings.hpp"

#include <algorithm>
#include <limits>

#include <boost/asio/ip/address.hpp>

#include "common/json_reader.hpp"
#include "pg/connection.hpp"

namespace schakel::gateway {
namespace {

using nlohmann::json;

std::filesystem::path resolve(const std::filesystem::path& base, const std::string& value) {
  const std::filesystem::path path(value);
  return (path.is_absolute() ? path : base / path).lexically_normal();
}

void read_listen(ObjectReader& top, std::string_view key, ListenAddress& out) {
  const json* value = top.object(key, Presence::kRequired);
  if (!value) return;
  auto reader = top.nested(*value, top.child(key));
  out.address = reader.string("address", Presence::kRequired).value_or(out.address);
  out.proxy_protocol = reader.boolean("proxy_protocol", Presence::kOptional).value_or(false);
  if (auto port = reader.integer("port", Presence::kRequired)) {
    if (*port < 0 || *port > 65535) {
      reader.error(reader.child("port"), "must be between 0 and 65535");
    } else {
      out.port = static_cast<std::uint16_t>(*port);
    }
  }
  reader.finish();
}

void read_path(ObjectReader& reader, const std::filesystem::path& base, std::string_view key,
               std::filesystem::path& target) {
  if (auto text = reader.string(key, Presence::kRequired)) target = resolve(base, *text);
}

void read_tls(ObjectReader& top, const std::filesystem::path& base, TlsFiles& out) {
  const json* value = top.object("tls", Presence::kRequired);
  if (!value) return;
  auto reader = top.nested(*value, top.child("tls"));
  read_path(reader, base, "ca", out.ca);
  read_path(reader, base, "server_cert", out.server_cert);
  read_path(reader, base, "server_key", out.server_key);
  read_path(reader, base, "client_cert", out.client_cert);
  read_path(reader, base, "client_key", out.client_key);
  if (auto crl = reader.string("crl", Presence::kOptional)) out.crl = resolve(base, *crl);
  reader.finish();
}

// An optional integer in [minimum, maximum]; out of range is an error, never truncated.
template <typename T>
void in_range(ObjectReader& reader, std::string_view key, T& target, std::int64_t minimum,
              std::int64_t maximum) {
  if (auto value = reader.integer(key, Presence::kOptional)) {
    if (*value < minimum || *value > maximum) {
      reader.error(reader.child(key), "must be between " + std::to_string(minimum) + " and " +
                                          std::to_string(maximum));
    } else {
      target = static_cast<T>(*value);
    }
  }
}

// Counts, sizes and durations: at least 1 and at most a billion (or what the type holds).
template <typename T>
void positive(ObjectReader& reader, std::string_view key, T& target) {
  constexpr std::int64_t kBillion = 1'000'000'000;
  const auto type_max =
      static_cast<std::int64_t>(std::min<std::uint64_t>(std::numeric_limits<T>::max(), kBillion));
  in_range(reader, key, target, 1, type_max);
}

void read_limits(ObjectReader& top, Limits& out) {
  const json* value = top.object("limits", Presence::kOptional);
  if (!value) return;
  auto reader = top.nested(*value, top.child("limits"));
  positive(reader, "max_body_bytes", out.max_body_bytes);
  // Beast holds one header field in at most 64 KiB; the read buffer is sized from this.
  in_range(reader, "max_header_bytes", out.max_header_bytes, 1024, 60 * 1024);
  positive(reader, "max_connections", out.max_connections);
  positive(reader, "max_unauthenticated_connections", out.max_unauthenticated_connections);
  positive(reader, "max_unauthenticated_per_address", out.max_unauthenticated_per_address);
  positive(reader, "max_idle_upstream_per_endpoint", out.max_idle_upstream_per_endpoint);
  positive(reader, "pseudonym_ops_per_minute", out.pseudonym_ops_per_minute);
  positive(reader, "pseudonym_burst", out.pseudonym_burst);
  positive(reader, "pseudonym_cache_entries", out.pseudonym_cache_entries);
  positive(reader, "reidentifications_per_hour", out.reidentifications_per_hour);
  reader.finish();
}

void read_audit(ObjectReader& top, const std::filesystem::path& base, AuditSettings& out) {
  const json* value = top.object("audit", Presence::kOptional);
  if (!value) return;
  auto reader = top.nested(*value, top.child("audit"));
  positive(reader, "checkpoint_records", out.checkpoint_records);
  std::int64_t seconds = out.checkpoint_interval.count() / 1000;
  in_range(reader, "checkpoint_seconds", seconds, 1, 86'400);
  out.checkpoint_interval = std::chrono::seconds(seconds);
  in_range(reader, "segment_megabytes", out.segment_megabytes, 1, 4096);
  out.unsafe_skip_fsync = reader.boolean("unsafe_skip_fsync", Presence::kOptional).value_or(false);
  if (auto witness = reader.string("witness", Presence::kOptional))
    out.witness = resolve(base, *witness);
  reader.finish();
}

// Each deadline has a ceiling: a slow client or recipient may hold a
// connection, a worker's wait or the shutdown only so long.
void read_console(ObjectReader& top, ConsoleSettings& out) {
  const json* value = top.object("console", Presence::kOptional);
  if (!value) return;
  auto reader = top.nested(*value, top.child("console"));
  if (reader.has("listen")) read_listen(reader, "listen", out.listen);
  std::int64_t idle = out.session_idle.count();
  in_range(reader, "session_idle_minutes", idle, 1, 240);
  out.session_idle = std::chrono::minutes(idle);
  std::int64_t max = out.session_max.count();
  in_range(reader, "session_max_hours", max, 1, 24);
  out.session_max = std::chrono::hours(max);
  reader.finish();
}

void read_store(ObjectReader& top, const std::filesystem::path& base, StoreSettings& out) {
  const json* value = top.object("store", Presence::kOptional);
  if (!value) return;
  auto reader = top.nested(*value, top.child("store"));
  const auto kind = reader.string("kind", Presence::kRequired);
  if (kind && *kind != "sqlite" && *kind != "postgresql") {
    reader.error(reader.child("kind"), "must be \"sqlite\" or \"postgresql\"");
  }
  out.kind = kind == "postgresql" ? StoreSettings::Kind::kPostgresql : StoreSettings::Kind::kSqlite;
  const auto presence =
      out.kind == StoreSettings::Kind::kPostgresql ? Presence::kRequired : Presence::kOptional;
  if (auto conninfo = reader.string("conninfo", presence)) {
    if (out.kind != StoreSettings::Kind::kPostgresql) {
      reader.error(reader.child("conninfo"), "only with \"kind\": \"postgresql\"");
    } else if (auto checked = pg::check_conninfo(*conninfo); !checked) {
      reader.error(reader.child("conninfo"), checked.error());  // never quotes the text
    } else {
      out.conninfo = *conninfo;
    }
  }
  if (auto file = reader.string("password_file", Presence::kOptional)) {
    if (out.kind != StoreSettings::Kind::kPostgresql) {
      reader.error(reader.child("password_file"), "only with \"kind\": \"postgresql\"");
    }
    out.password_file = resolve(base, *file);
  }
  std::int64_t millis = out.timeout.count();
  in_range(reader, "timeout_ms", millis, 100, 60'000);
  out.timeout = std::chrono::milliseconds(millis);
  reader.finish();
}

// Each instance's share of the per-partner limits (Settings::cluster_instances).
void read_cluster(ObjectReader& top, Settings& settings) {
  const json* value = top.object("cluster", Presence::kOptional);
  if (!value) return;
  auto reader = top.nested(*value, top.child("cluster"));
  in_range(reader, "instances", settings.cluster_instances, 1, 64);
  reader.finish();
  const auto share = [n = settings.cluster_instances](std::size_t& limit) {
    limit = (limit + n - 1) / n;
  };
  share(settings.limits.pseudonym_ops_per_minute);
  share(settings.limits.pseudonym_burst);
  share(settings.limits.reidentifications_per_hour);
}

void read_timeouts(ObjectReader& top, Timeouts& out) {
  const json* value = top.object("timeouts_ms", Presence::kOptional);
  if (!value) return;
  auto reader = top.nested(*value, top.child("timeouts_ms"));
  auto millis = [&](std::string_view key, std::chrono::milliseconds& target,
                    std::chrono::seconds ceiling) {
    std::int64_t count = target.count();
    in_range(reader, key, count, 1, std::chrono::milliseconds(ceiling).count());
    target = std::chrono::milliseconds(count);
  };
  using std::chrono::seconds;
  millis("handshake", out.handshake, seconds(60));
  millis("header", out.header, seconds(300));
  millis("request", out.request, seconds(600));
  millis("upstream_connect", out.upstream_connect, seconds(60));
  millis("upstream_response", out.upstream_response, seconds(600));
  millis("drain", out.drain, seconds(600));
  millis("audit_busy", out.audit_busy, seconds(60));
  std::int64_t notice = out.drain_notice.count();
  in_range(reader, "drain_notice", notice, 0, 60'000);
  out.drain_notice = std::chrono::milliseconds(notice);
  reader.finish();
}

// The admin listener speaks plain HTTP (metrics, health, reload with a
// token): it is only for this host.
void check_admin_loopback(ObjectReader& top, const ListenAddress& admin) {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(admin.address, ec);
  if (ec || !address.is_loopback()) {
    top.error(pointer_append(top.child("admin"), "address"),
              "must be a loopback address (127.0.0.0/8 or ::1): the admin listener is plain HTTP");
  }
}

// What one limit means only next to another.
void cross_check_limits(ObjectReader& top, const Limits& limits) {
  const std::string at = top.child("limits");
  if (limits.max_unauthenticated_connections > limits.max_connections) {
    top.error(pointer_append(at, "max_unauthenticated_connections"),
              "must not exceed max_connections (" + std::to_string(limits.max_connections) + ")");
  }
  if (limits.max_unauthenticated_per_address > limits.max_unauthenticated_connections) {
    top.error(pointer_append(at, "max_unauthenticated_per_address"),
              "must not exceed max_unauthenticated_connections (" +
                  std::to_string(limits.max_unauthenticated_connections) + ")");
  }
  if (limits.pseudonym_burst > limits.pseudonym_ops_per_minute) {
    top.error(pointer_append(at, "pseudonym_burst"),
              "must not exceed pseudonym_ops_per_minute (" +
                  std::to_string(limits.pseudonym_ops_per_minute) + ")");
  }
}

}  // namespace

std::expected<Settings, ConfigErrors> load_settings(const std::filesystem::path& file) {
  const std::string name = file.filename().string();
  auto document = read_json_file(file, name);
  if (!document) return std::unexpected(ConfigErrors{document.error()});
  std::error_code ec;
  const auto base = std::filesystem::absolute(file, ec).parent_path();
  if (ec)
    return std::unexpected(
        ConfigErrors{ConfigError{name, "", "cannot resolve the path: " + ec.message()}});
  ConfigErrors errors;
  Settings settings;
  ObjectReader top(*document, name, "", errors);
  read_path(top, base, "guideline", settings.guideline);
  read_path(top, base, "region", settings.region);
  read_path(top, base, "keys", settings.keys_dir);
  read_path(top, base, "data_dir", settings.data_dir);
  read_tls(top, base, settings.tls);
  read_listen(top, "listen", settings.listen);
  read_listen(top, "admin", settings.admin);
  if (auto threads = top.integer("threads", Presence::kOptional)) {
    if (*threads < 1 || *threads > 64) {
      top.error(top.child("threads"), "must be between 1 and 64");
    } else {
      settings.threads = static_cast<int>(*threads);
    }
  }
  read_limits(top, settings.limits);
  read_timeouts(top, settings.timeouts);
  read_audit(top, base, settings.audit);
  read_console(top, settings.console);
  read_store(top, base, settings.store);
  read_cluster(top, settings);
  top.finish();
  if (settings.admin.proxy_protocol) {
    top.error(pointer_append(top.child("admin"), "proxy_protocol"),
              "the admin listener is plain HTTP on loopback: it takes no PROXY header");
  }
  if (errors.empty()) {
    check_admin_loopback(top, settings.admin);
    cross_check_limits(top, settings.limits);
  }
  if (!errors.empty()) return std::unexpected(errors);
  return settings;
}

}  // namespace schakel::gateway
