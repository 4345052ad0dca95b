#include "gateway/metrics.hpp"

namespace schakel::gateway {
namespace {

template <typename T>
void metric(std::string& out, const char* name, const char* type, const char* help,
            const std::atomic<T>& value) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
  out.append(name).append(" ").append(std::to_string(value.load())).append("\n");
}

}  // namespace

std::string Metrics::render_prometheus() const {
  std::string out;
  metric(out, "schakel_messages_delivered_total", "counter", "Messages delivered to a recipient",
         messages_delivered);
  metric(out, "schakel_messages_refused_total", "counter", "Messages refused by policy or input",
         messages_refused);
  metric(out, "schakel_messages_failed_total", "counter",
         "Messages allowed but not delivered (recipient or audit failure)", messages_failed);
  metric(out, "schakel_audit_failures_total", "counter", "Audit appends that failed",
         audit_failures);
  metric(out, "schakel_connections_accepted_total", "counter", "Partner connections accepted",
         connections_accepted);
  metric(out, "schakel_connections_rejected_total", "counter",
         "Partner connections closed at the connection cap", connections_rejected);
  metric(out, "schakel_tls_handshakes_failed_total", "counter",
         "Partner TLS handshakes that failed (no or untrusted certificate)", handshakes_failed);
  metric(out, "schakel_connections_shed_total", "counter",
         "Unauthenticated partner connections closed to make room", connections_shed);
  metric(out, "schakel_requests_malformed_total", "counter",
         "Requests refused for breaking HTTP/1.1 or the contract's framing", requests_malformed);
  metric(out, "schakel_handler_exceptions_total", "counter",
         "Exceptions caught on an I/O thread; each ended one exchange", handler_exceptions);
  metric(out, "schakel_strangers_throttled_total", "counter",
         "Requests of certificates that are no partner, refused unaudited past their rate",
         strangers_throttled);
  metric(out, "schakel_audit_witness_failures_total", "counter",
         "Signed checkpoints that could not be appended to the audit witness", witness_failures);
  metric(out, "schakel_connections_active", "gauge", "Open partner connections",
         connections_active);
  metric(out, "schakel_requests_active", "gauge", "Requests in flight", requests_active);
  return out;
}

}  // namespace schakel::gateway
