#pragma once
// Stage read-envelope: the contract's routing headers of POST /v1/messages,
// validated (CONTRACT.md): recipient OIN, purpose (with the accepted aliases),
// escalation level, case reference, Fsc-Transaction-Id and W3C trace context.
// Also the generators for transaction ids (UUIDv7) and trace/span ids.
#include <expected>
#include <optional>
#include <string>

#include "common/problem.hpp"
#include "gateway/http_types.hpp"

namespace schakel::gateway {

struct TraceContext {
  std::string trace_id;            // 32 hex
  std::string span_id;             // this gateway's span, 16 hex
  std::string caller_traceparent;  // as received, when valid
  std::string tracestate;

  [[nodiscard]] std::string traceparent() const;  // for the recipient: our span as parent
};

struct Envelope {
  std::string recipient_oin;
  std::string purpose;
  std::optional<int> level;
  std::string case_ref;
};

[[nodiscard]] std::string new_transaction_id();  // UUIDv7
[[nodiscard]] bool is_uuid(std::string_view text);
// The sender's Fsc-Transaction-Id when valid, a fresh one when absent, or a problem.
[[nodiscard]] std::expected<std::string, Problem> transaction_id_of(const Request& request);
// The caller's trace when its traceparent is valid (a new span of it), a new trace otherwise.
[[nodiscard]] TraceContext trace_context_of(const Request& request);
[[nodiscard]] std::expected<Envelope, Problem> read_envelope(const Request& request);

}  // namespace schakel::gateway
