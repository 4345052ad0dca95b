// Fuzz target: the request-head stages on arbitrary header lists —
// gateway/request_head.hpp check_head, gateway/envelope.hpp read_envelope and
// transaction_id_of, gateway/trace_context.hpp trace_context_of and
// parse_traceparent. Input: lines "name:value" (one optional space after the
// colon), a first line "HTTP/1.0" for an HTTP/1.0 head; values may hold any
// byte, more than Beast lets through. What is accepted must be what the
// contract allows — checked here independently of the code under test — and
// an accepted traceparent reparses to itself.
#include <algorithm>
#include <string>

#include "gateway/envelope.hpp"
#include "gateway/request_head.hpp"
#include "gateway/trace_context.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace schakel::gateway;  // NOLINT(google-build-using-namespace)
using schakel::fuzz::require;

bool is_lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
// Printable ASCII or a tab (the optional white space around tracestate members).
bool is_printable_ascii(std::string_view text) {
  return std::ranges::all_of(text, [](char c) { return (c >= 0x20 && c <= 0x7e) || c == '\t'; });
}
std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

HeaderList headers_of(std::string_view text, int& version) {
  HeaderList headers;
  version = 11;
  bool first = true;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const auto line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (std::exchange(first, false) && line == "HTTP/1.0") {
      version = 10;
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    auto value = line.substr(colon + 1);
    if (value.starts_with(' ')) value.remove_prefix(1);
    headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return headers;
}

void check_traceparent(std::string_view canonical) {
  require(canonical.size() == 55 && canonical.starts_with("00-") && canonical[35] == '-' &&
              canonical[52] == '-',
          "a canonical traceparent is not 00-<32>-<16>-<2>");
  require(std::ranges::all_of(canonical.substr(3, 32), is_lower_hex) &&
              std::ranges::all_of(canonical.substr(36, 16), is_lower_hex) &&
              std::ranges::all_of(canonical.substr(53, 2), is_lower_hex),
          "a canonical traceparent holds more than lower-case hex");
  const auto again = parse_traceparent(canonical);
  require(again.has_value() && *again == canonical, "a canonical traceparent does not reparse to itself");
}

// The case reference: at most 64 of [A-Za-z0-9._:/-], and with the separators
// removed, no run of 8 digits that could be a BSN.
bool case_ref_allowed(std::string_view value) {
  if (value.empty() || value.size() > 64) return false;
  std::string digits_and_letters;
  for (const char c : value) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool separator = c == '.' || c == '_' || c == ':' || c == '/' || c == '-';
    if (!letter && !separator && !is_digit(c)) return false;
    if (!separator) digits_and_letters += c;
  }
  std::size_t run = 0;
  for (const char c : digits_and_letters) {
    run = is_digit(c) ? run + 1 : 0;
    if (run >= 8) return false;
  }
  return true;
}

void check_envelope(const Request& request) {
  const auto envelope = read_envelope(request);
  if (!envelope) return;
  require(envelope->recipient_oin.size() == 20 &&
              std::ranges::all_of(envelope->recipient_oin, is_digit),
          "an accepted recipient is not a 20-digit OIN");
  require(!envelope->level || (*envelope->level >= 1 && *envelope->level <= 3),
          "an accepted level is not 1, 2 or 3");
  require(!envelope->purpose.empty() && envelope->purpose.size() <= 128,
          "an accepted purpose is empty or longer than 128");
  const auto* schakel_purpose = request.header("Schakel-Purpose");
  require(!schakel_purpose || *schakel_purpose == envelope->purpose,
          "the purpose differs from Schakel-Purpose");
  require(envelope->case_ref.empty() ? request.header("Schakel-Case") == nullptr
                                     : case_ref_allowed(envelope->case_ref),
          "an accepted case reference breaks the contract (charset, length, BSN-like digits)");
}

void check_trace(const Request& request) {
  const auto trace = trace_context_of(request);
  if (!trace) {
    require(trace.error().kind == schakel::ProblemKind::kInvalidHeader,
            "a trace header was refused with another problem than invalid-header");
    return;
  }
  require(trace->trace_id.size() == 32 && std::ranges::all_of(trace->trace_id, is_lower_hex),
          "the trace id is not 32 lower-case hex");
  require(trace->span_id.size() == 16 && std::ranges::all_of(trace->span_id, is_lower_hex),
          "the span id is not 16 lower-case hex");
  check_traceparent(trace->traceparent());
  if (const auto* parent = request.header("traceparent")) {
    check_traceparent(trace->caller_traceparent);
    require(trace->caller_traceparent.substr(3, 32) == trace->trace_id,
            "the trace id is not the caller's");
    require(parent->substr(3, 50) == trace->caller_traceparent.substr(3, 50),
            "the canonical traceparent is not the caller's trace and parent");
  } else {
    require(trace->caller_traceparent.empty(), "a caller traceparent appeared from nowhere");
  }
  if (const auto* state = request.header("tracestate")) {
    require(is_printable_ascii(*state), "an accepted tracestate holds more than printable ASCII");
  }
}

void check_head_facts(const Request& request, int version) {
  const auto facts = check_head(request, version);
  if (!facts) return;
  std::vector<std::string> names;
  for (const auto& [name, value] : request.headers) names.push_back(lower(name));
  std::ranges::sort(names);
  require(std::ranges::adjacent_find(names) == names.end(), "a duplicate header passed check_head");
  require(version < 11 || request.header("Host") != nullptr, "HTTP/1.1 without Host passed");
  const auto* expect = request.header("Expect");
  require(facts->expects_continue == (expect != nullptr), "expects_continue disagrees with Expect");
  require(!expect || lower(*expect) == "100-continue", "an Expect other than 100-continue passed");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  int version = 11;
  Request request{"POST", "/v1/messages", headers_of(schakel::fuzz::text_of(data, size), version),
                  ""};
  check_head_facts(request, version);
  // The stages run after check_head in the listener; here also on heads it
  // refuses, as a stage must not rely on the check for its own safety.
  check_envelope(request);
  check_trace(request);
  if (const auto transaction = transaction_id_of(request)) {
    require(is_uuid_v7(*transaction) && transaction->size() == 36, "a transaction id is no UUID");
  }
  for (const auto& [name, value] : request.headers) {
    (void)is_known_header(name);
    if (auto canonical = parse_traceparent(value)) check_traceparent(*canonical);
    if (check_tracestate(value)) {
      require(is_printable_ascii(value), "check_tracestate accepted more than printable ASCII");
    }
  }
  return 0;
}
