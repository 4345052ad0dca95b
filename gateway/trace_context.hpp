#pragma once
// Stage read-envelope, W3C Trace Context part (https://www.w3.org/TR/trace-context/):
// `traceparent` and `tracestate` checked against the full grammar. A
// traceparent that does not parse is refused (invalid-header), never copied:
// only its validated trace id and the canonical form rebuilt from its parts
// reach the trail. A tracestate is checked and then dropped: its members are
// vendors' opaque values that the policy cannot judge, so none of them is
// forwarded or recorded (CONTRACT.md: "never carry data past the policy").
#include <expected>
#include <string>
#include <string_view>

#include "common/problem.hpp"
#include "gateway/http_types.hpp"

namespace schakel::gateway {

struct TraceContext {
  std::string trace_id;            // 32 lower-case hex
  std::string span_id;             // this gateway's span, 16 lower-case hex
  std::string caller_traceparent;  // "00-<trace>-<parent>-<flags>" rebuilt from a valid header

  [[nodiscard]] std::string traceparent() const;  // for the recipient: our span as parent
};

// Checks one traceparent value; returns its canonical version-00 form.
[[nodiscard]] std::expected<std::string, Problem> parse_traceparent(std::string_view value);
// Checks one tracestate value (list members, keys, values, at most 32 members, no duplicate key).
[[nodiscard]] std::expected<void, Problem> check_tracestate(std::string_view value);

// The caller's trace (a new span of it) when it sent a valid traceparent, a
// new trace when it sent none, or the problem with what it sent.
[[nodiscard]] std::expected<TraceContext, Problem> trace_context_of(const Request& request);
// A trace of our own, for requests refused before their headers could be read.
[[nodiscard]] TraceContext new_trace_context();

}  // namespace schakel::gateway
