#include "gateway/metrics.hpp"

namespace schakel::gateway {
namespace {

void header(std::string& out, const char* name, const char* type, const char* help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

template <typename T>
void metric(std::string& out, const char* name, const char* type, const char* help,
            const std::atomic<T>& value) {
  header(out, name, type, help);
  out.append(name).append(" ").append(std::to_string(value.load())).append("\n");
}

// One metric with a sample per listener.
template <typename T>
void per_listener(std::string& out, const Metrics& metrics, const char* name, const char* type,
                  const char* help, std::atomic<T> ListenerMetrics::*member) {
  header(out, name, type, help);
  for (const auto& [label, listener] :
       {std::pair<const char*, const ListenerMetrics*>{"partner", &metrics.partner},
        {"admin", &metrics.admin}}) {
    out.append(name).append("{listener=\"").append(label).append("\"} ");
    out.append(std::to_string((listener->*member).load())).append("\n");
  }
}

}  // namespace

std::string Metrics::render_prometheus() const {
  std::string out;
  metric(out, "schakel_messages_delivered_total", "counter", "Messages delivered to a recipient",
         messages_delivered);
  metric(out, "schakel_messages_refused_total", "counter", "Messages refused by policy or input",
         messages_refused);
  metric(out, "schakel_messages_queued_total", "counter",
         "Messages queued for asynchronous delivery (Prefer: respond-async)", messages_queued);
  metric(out, "schakel_messages_failed_total", "counter",
         "Messages allowed but not delivered (recipient or audit failure)", messages_failed);
  metric(out, "schakel_audit_failures_total", "counter", "Audit appends that failed",
         audit_failures);
  metric(out, "schakel_strangers_throttled_total", "counter",
         "Requests of certificates that are no partner, refused unaudited past their rate",
         strangers_throttled);
  metric(out, "schakel_audit_witness_failures_total", "counter",
         "Signed checkpoints that could not be appended to the audit witness", witness_failures);
  metric(out, "schakel_io_thread_exceptions_total", "counter",
         "Exceptions that reached an I/O thread; each ended one exchange", io_exceptions);
  metric(out, "schakel_requests_active", "gauge", "Partner requests in flight", requests_active);
  const auto handovers = open_handovers.load();
  header(out, "schakel_handovers_open", "gauge",
         "Handovers queued or delivered and not yet answered, per recipient");
  for (const auto& [recipient, open] : *handovers) {
    out.append("schakel_handovers_open{recipient=\"").append(recipient).append("\"} ");
    out.append(std::to_string(open.count)).append("\n");
  }
  header(out, "schakel_handovers_oldest_seconds", "gauge",
         "How long the oldest open handover per recipient has waited since it was queued");
  for (const auto& [recipient, open] : *handovers) {
    out.append("schakel_handovers_oldest_seconds{recipient=\"").append(recipient).append("\"} ");
    out.append(std::to_string(open.oldest_seconds)).append("\n");
  }
  per_listener(out, *this, "schakel_connections_accepted_total", "counter", "Connections accepted",
               &ListenerMetrics::connections_accepted);
  per_listener(out, *this, "schakel_connections_rejected_total", "counter",
               "Connections closed at the connection cap", &ListenerMetrics::connections_rejected);
  per_listener(out, *this, "schakel_tls_handshakes_failed_total", "counter",
               "TLS handshakes that failed (no or untrusted certificate)",
               &ListenerMetrics::handshakes_failed);
  per_listener(out, *this, "schakel_connections_shed_total", "counter",
               "Unauthenticated connections closed to make room",
               &ListenerMetrics::connections_shed);
  per_listener(out, *this, "schakel_requests_malformed_total", "counter",
               "Requests refused for breaking HTTP/1.1 or the contract's framing",
               &ListenerMetrics::requests_malformed);
  per_listener(out, *this, "schakel_handler_exceptions_total", "counter",
               "Exceptions caught in a handler; each ended one exchange",
               &ListenerMetrics::handler_exceptions);
  per_listener(out, *this, "schakel_connections_active", "gauge", "Open connections",
               &ListenerMetrics::connections_active);
  return out;
}

}  // namespace schakel::gateway
