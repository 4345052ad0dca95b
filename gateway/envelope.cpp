#include "gateway/envelope.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <regex>

#include "crypto/encoding.hpp"
#include "policy/field_values.hpp"

namespace schakel::gateway {
namespace {

constexpr std::array kPurposeHeaders{"Schakel-Purpose", "X-Doelbinding",
                                     "X-NLX-Request-Process-Id"};

std::string random_hex(std::size_t bytes) {
  std::array<std::uint8_t, 16> buffer{};
  randombytes_buf(buffer.data(), bytes);
  return crypto::to_hex(std::span(buffer.data(), bytes));
}

bool all_of_class(std::string_view text, bool (*allowed)(char)) {
  return std::ranges::all_of(text, allowed);
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_lower_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f');
}
bool is_case_char(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_' ||
         c == '.' || c == ':' || c == '/';
}

Problem invalid_header(const std::string& detail) {
  return make_problem(ProblemKind::kInvalidHeader, detail);
}

std::expected<std::string, Problem> read_purpose(const Request& request) {
  for (const char* name : kPurposeHeaders) {
    if (const auto* value = request.header(name)) {
      if (value->empty() || value->size() > 128) {
        return std::unexpected(invalid_header(std::string(name) + " must be a purpose id"));
      }
      return *value;
    }
  }
  return std::unexpected(make_problem(ProblemKind::kMissingHeader, "Schakel-Purpose is required"));
}

std::expected<std::optional<int>, Problem> read_level(const Request& request) {
  const auto* value = request.header("Schakel-Level");
  if (!value) return std::optional<int>{};
  if (*value == "1" || *value == "2" || *value == "3") return std::optional<int>{(*value)[0] - '0'};
  return std::unexpected(make_problem(ProblemKind::kInvalidLevel,
                                      "Schakel-Level must be 1 (signal), 2 (case consultation) "
                                      "or 3 (crisis)"));
}

// A case reference is opaque and never personal data: a short token, and no
// nine-digit run that could be a BSN.
std::expected<std::string, Problem> read_case(const Request& request) {
  const auto* value = request.header("Schakel-Case");
  if (!value) return std::string();
  static const std::regex kNineDigits(R"((^|[^0-9])[0-9]{9}([^0-9]|$))");
  if (value->empty() || value->size() > 64 || !all_of_class(*value, is_case_char) ||
      std::regex_search(*value, kNineDigits)) {
    return std::unexpected(invalid_header(
        "Schakel-Case must be an opaque reference of at most 64 characters [A-Za-z0-9._:/-] "
        "without personal data"));
  }
  return *value;
}

}  // namespace

std::string TraceContext::traceparent() const {
  return "00-" + trace_id + "-" + span_id + "-01";
}

std::string new_transaction_id() {
  using namespace std::chrono;
  const auto millis = static_cast<std::uint64_t>(
      duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
  std::array<std::uint8_t, 16> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  for (int i = 0; i < 6; ++i)
    bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(millis >> (40 - 8 * i));
  bytes[6] = static_cast<std::uint8_t>(0x70 | (bytes[6] & 0x0f));  // version 7
  bytes[8] = static_cast<std::uint8_t>(0x80 | (bytes[8] & 0x3f));  // RFC 9562 variant
  const std::string hex = crypto::to_hex(bytes);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
    if (dash ? c != '-' : !is_lower_hex(c)) return false;
  }
  return true;
}

std::expected<std::string, Problem> transaction_id_of(const Request& request) {
  const auto* value = request.header("Fsc-Transaction-Id");
  if (!value) return new_transaction_id();
  if (!is_uuid(*value)) return std::unexpected(invalid_header("Fsc-Transaction-Id must be a UUID"));
  return *value;
}

TraceContext trace_context_of(const Request& request) {
  TraceContext trace;
  trace.span_id = random_hex(8);
  const auto* parent = request.header("traceparent");
  // version "00" - 32 hex trace id - 16 hex parent id - 2 hex flags
  if (parent && parent->size() == 55 && (*parent)[2] == '-' && (*parent)[35] == '-' &&
      (*parent)[52] == '-' && all_of_class(std::string_view(*parent).substr(3, 32), is_lower_hex) &&
      all_of_class(std::string_view(*parent).substr(36, 16), is_lower_hex) &&
      parent->substr(3, 32) != std::string(32, '0')) {
    trace.trace_id = parent->substr(3, 32);
    trace.caller_traceparent = *parent;
    if (const auto* state = request.header("tracestate"); state && state->size() <= 512) {
      trace.tracestate = *state;
    }
  } else {
    trace.trace_id = random_hex(16);
  }
  return trace;
}

std::expected<Envelope, Problem> read_envelope(const Request& request) {
  Envelope envelope;
  const auto* recipient = request.header("Schakel-Recipient");
  if (!recipient) {
    return std::unexpected(
        make_problem(ProblemKind::kMissingHeader, "Schakel-Recipient is required"));
  }
  if (recipient->size() != 20 || !all_of_class(*recipient, is_digit)) {
    return std::unexpected(invalid_header("Schakel-Recipient must be a 20-digit OIN"));
  }
  envelope.recipient_oin = *recipient;
  auto purpose = read_purpose(request);
  if (!purpose) return std::unexpected(purpose.error());
  envelope.purpose = std::move(*purpose);
  auto level = read_level(request);
  if (!level) return std::unexpected(level.error());
  envelope.level = *level;
  auto case_ref = read_case(request);
  if (!case_ref) return std::unexpected(case_ref.error());
  envelope.case_ref = std::move(*case_ref);
  return envelope;
}

}  // namespace schakel::gateway
