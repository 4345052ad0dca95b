#pragma once
// Stage read-envelope: the contract's routing headers of POST /v1/messages,
// validated (CONTRACT.md): recipient OIN, purpose (with the accepted aliases),
// escalation level, case reference and Fsc-Transaction-Id (the W3C trace
// context is trace_context.hpp). Also the generator for transaction ids (UUIDv7).
// A header the contract defines once may appear once: duplicates are refused
// by the listener, and purpose aliases that disagree with each other here.
#include <expected>
#include <optional>
#include <string>

#include "common/problem.hpp"
#include "gateway/http_types.hpp"
#include "gateway/trace_context.hpp"

namespace schakel::gateway {

struct Envelope {
  std::string recipient_oin;
  std::string purpose;
  std::optional<int> level;
  std::string case_ref;
};

[[nodiscard]] std::string new_transaction_id();  // UUIDv7
// A UUID of version 7 and the RFC 9562 variant, in its 36-character text form.
[[nodiscard]] bool is_uuid_v7(std::string_view text);
// The sender's Fsc-Transaction-Id when valid, a fresh one when absent, or a problem.
[[nodiscard]] std::expected<std::string, Problem> transaction_id_of(const Request& request);
[[nodiscard]] std::expected<Envelope, Problem> read_envelope(const Request& request);

}  // namespace schakel::gateway
