#pragma once
// The gateway's operational settings (schakel.json in the config directory):
// where the guideline, region, certificates, keys and data live, listener
// addresses, limits and timeouts. Relative paths are resolved against the
// settings file's directory. Validated once at start-up; immutable after.
#include <chrono>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <string>

#include "common/config_error.hpp"

namespace schakel::gateway {

struct ListenAddress {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port (tests)
  // Behind HAProxy in TCP mode (issue 17): every connection begins with a
  // PROXY protocol v2 header (proxy_protocol.hpp), whose client address the
  // per-address limits use; a connection without one is closed.
  bool proxy_protocol = false;
};

struct TlsFiles {
  std::filesystem::path ca;           // the region's trust anchor (partners and recipients)
  std::filesystem::path server_cert;  // presented to partners
  std::filesystem::path server_key;
  std::filesystem::path client_cert;  // presented to recipients
  std::filesystem::path client_key;
  // Optional: the CRLs of the region's CAs, a file (PEM or DER) or a directory
  // of .crl/.pem files; when set, partners' certificates are checked against
  // them (tls.hpp). Read anew on reload.
  std::filesystem::path crl{};
};

struct Limits {
  std::size_t max_body_bytes = 1024 * 1024;
  std::uint32_t max_header_bytes = 16 * 1024;
  std::size_t max_connections = 1024;
  // Connections not yet through the TLS handshake: past either cap the oldest
  // such connection (of that address, or overall) is shed, so partners that
  // authenticated keep their capacity while anonymous connections come and go.
  std::size_t max_unauthenticated_connections = 256;
  std::size_t max_unauthenticated_per_address = 64;
  std::size_t max_idle_upstream_per_endpoint = 256;
  // Pseudonymise and translate steps each partner may cause (ENISA/EDPB: rate-limited).
  std::size_t pseudonym_ops_per_minute = 60'000;
  std::size_t pseudonym_burst = 2'000;
  std::size_t pseudonym_cache_entries = 100'000;  // recurring persons kept (no BSN in it)
  // POST /v1/reidentify per partner (a token bucket: this many at once, refilled over the hour).
  std::size_t reidentifications_per_hour = 10;
};

struct Timeouts {
  std::chrono::milliseconds handshake{5'000};
  std::chrono::milliseconds header{
      10'000};  // reading a request's headers; also the keep-alive idle time
  std::chrono::milliseconds request{30'000};  // reading a request's body; writing a reply
  std::chrono::milliseconds upstream_connect{5'000};
  std::chrono::milliseconds upstream_response{10'000};
  std::chrono::milliseconds drain{15'000};
  // After SIGTERM, /readyz answers 503 this long while the partner listener
  // still accepts, so that a load balancer's health check (HAProxy: inter ×
  // fall) takes the instance out before it refuses connections. 0: at once.
  std::chrono::milliseconds drain_notice{0};
  std::chrono::milliseconds audit_busy{1'000};  // longest wait for the trail's lock
};

// Signed checkpoints of the audit chain: every so many records or so much time.
struct AuditSettings {
  std::uint64_t checkpoint_records = 1000;
  std::chrono::milliseconds checkpoint_interval{10'000};
  // For bench/run.sh's diagnostic row only: the trail is not synced to disk,
  // which breaks the promise that nothing is forwarded before its record is
  // durable. The gateway warns at start and /readyz says "durable": false.
  bool unsafe_skip_fsync = false;
  // Optional: a file (on another volume) every signed checkpoint is appended
  // to, so that `audit verify --witness` finds a tail deleted with its checkpoints.
  std::filesystem::path witness{};
  // The trail's segments roll at this size (audit/log_store.hpp).
  std::uint64_t segment_megabytes = 64;
};

// `schakel console` (issue 16): its HTTPS listener (the gateway's server
// certificate; a client certificate is optional) and its sessions.
struct ConsoleSettings {
  ListenAddress listen{"127.0.0.1", 8445};
  std::chrono::minutes session_idle{15};  // signed out after this long without a request
  std::chrono::hours session_max{8};      // and after this long in all
};

// Where the trail is kept (issue 17): the embedded log in data_dir (one
// machine), or PostgreSQL, which several gateways share. The conninfo holds
// no password: it comes from `password_file` (owner-only) or libpq's
// environment (PGPASSWORD, PGPASSFILE). TLS to the database: libpq's
// sslmode, sslrootcert, sslcert and sslkey in the conninfo.
struct StoreSettings {
  enum class Kind { kSqlite, kPostgresql };
  Kind kind = Kind::kSqlite;
  std::string conninfo{};                 // libpq: "host=a,b target_session_attrs=read-write …"
  std::filesystem::path password_file{};  // optional
  std::chrono::milliseconds timeout{5'000};  // connecting, and each statement
};

struct Settings {
  std::filesystem::path guideline;
  std::filesystem::path region;
  std::filesystem::path keys_dir;
  std::filesystem::path data_dir;
  TlsFiles tls;
  ListenAddress listen;
  ListenAddress admin;
  int threads = 2;
  Limits limits;
  Timeouts timeouts;
  AuditSettings audit;
  ConsoleSettings console;
  StoreSettings store;
  // How many gateways share the region's partners (`"cluster": {"instances"}`,
  // issue 17). The per-partner limits in `limits` are the region's: each
  // instance enforces its share, the limit divided by this, rounded up — a
  // partner whose connections all reach one instance gets that share; spread
  // by the load balancer, up to the whole limit (and at most instances - 1
  // more, from the rounding).
  std::size_t cluster_instances = 1;
  // Not read from the file: the clock (seconds since the epoch) by which the
  // region's work and the queue keep time — the system clock unless a test
  // injects one (backoffs, expiries, accept_within, escalation).
  std::function<std::int64_t()> clock = {};
};

[[nodiscard]] std::expected<Settings, ConfigErrors> load_settings(
    const std::filesystem::path& file);

// Where the audit trail lives: the gateway writes it, the CLI reads and prunes it.
[[nodiscard]] inline std::filesystem::path trail_directory(const Settings& settings) {
  return settings.data_dir / "trail";
}

}  // namespace schakel::gateway
