#include "gateway/trace_context.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <set>

#include "crypto/encoding.hpp"

namespace schakel::gateway {
namespace {

constexpr std::size_t kVersion00Length = 55;  // 2 + 1 + 32 + 1 + 16 + 1 + 2
constexpr std::size_t kMaxTracestateMembers = 32;

bool is_lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}
bool is_lcalpha(char c) {
  return c >= 'a' && c <= 'z';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_key_char(char c) {
  return is_lcalpha(c) || is_digit(c) || c == '_' || c == '-' || c == '*' || c == '/';
}
// nblk-chr = %x21-2B / %x2D-3C / %x3E-7E (printable ASCII but ',' and '=')
bool is_value_char(char c) {
  return c >= 0x21 && c <= 0x7e && c != ',' && c != '=';
}

bool hex_field(std::string_view text, std::size_t length) {
  return text.size() == length && std::ranges::all_of(text, is_lower_hex) &&
         !std::ranges::all_of(text, [](char c) { return c == '0'; });
}

Problem invalid(std::string detail) {
  return make_problem(ProblemKind::kInvalidHeader, std::move(detail));
}

std::string random_hex(std::size_t bytes) {
  std::array<std::uint8_t, 16> buffer{};
  randombytes_buf(buffer.data(), bytes);
  return crypto::to_hex(std::span(buffer.data(), bytes));
}

// simple-key = lcalpha 0*255(key-char); multi-tenant-key = tenant-id "@" system-id
// with tenant-id = (lcalpha / DIGIT) 0*240(key-char) and system-id = lcalpha 0*13(key-char).
bool valid_key(std::string_view key) {
  const auto at = key.find('@');
  auto part = [](std::string_view text, std::size_t max, bool digit_first) {
    return !text.empty() && text.size() <= max &&
           (is_lcalpha(text[0]) || (digit_first && is_digit(text[0]))) &&
           std::ranges::all_of(text, is_key_char);
  };
  if (at == std::string_view::npos) return part(key, 256, false);
  return part(key.substr(0, at), 241, true) && part(key.substr(at + 1), 14, false);
}

// value = 0*255(chr) nblk-chr, chr = %x20 / nblk-chr: no trailing space, 1..256 characters.
bool valid_value(std::string_view value) {
  return !value.empty() && value.size() <= 256 && value.back() != ' ' &&
         std::ranges::all_of(value, [](char c) { return c == ' ' || is_value_char(c); });
}

std::string_view trim_ows(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string TraceContext::traceparent() const {
  return "00-" + trace_id + "-" + span_id + "-01";
}

std::expected<std::string, Problem> parse_traceparent(std::string_view value) {
  const Problem problem = invalid(
      "traceparent must be version-trace_id-parent_id-flags in lower-case hex (W3C Trace "
      "Context)");
  if (value.size() < kVersion00Length) return std::unexpected(problem);
  const auto version = value.substr(0, 2);
  if (!std::ranges::all_of(version, is_lower_hex) || version == "ff") {
    return std::unexpected(problem);
  }
  // Version 00 is exactly 55 characters; a later version may append "-..." fields.
  if (version == "00" ? value.size() != kVersion00Length
                      : value.size() > kVersion00Length && value[kVersion00Length] != '-') {
    return std::unexpected(problem);
  }
  const auto trace_id = value.substr(3, 32);
  const auto parent_id = value.substr(36, 16);
  const auto flags = value.substr(53, 2);
  if (value[2] != '-' || value[35] != '-' || value[52] != '-' || !hex_field(trace_id, 32) ||
      !hex_field(parent_id, 16) || !std::ranges::all_of(flags, is_lower_hex)) {
    return std::unexpected(problem);
  }
  return "00-" + std::string(trace_id) + "-" + std::string(parent_id) + "-" + std::string(flags);
}

std::expected<void, Problem> check_tracestate(std::string_view value) {
  std::set<std::string_view> keys;
  std::size_t members = 0;
  while (true) {
    const auto comma = value.find(',');
    const auto member = trim_ows(value.substr(0, comma));
    if (!member.empty()) {
      const auto equals = member.find('=');
      if (equals == std::string_view::npos || !valid_key(member.substr(0, equals)) ||
          !valid_value(member.substr(equals + 1)) ||
          !keys.insert(member.substr(0, equals)).second || ++members > kMaxTracestateMembers) {
        return std::unexpected(
            invalid("tracestate must be at most 32 key=value members with distinct keys "
                    "(W3C Trace Context)"));
      }
    }
    if (comma == std::string_view::npos) return {};
    value.remove_prefix(comma + 1);
  }
}

TraceContext new_trace_context() {
  return TraceContext{random_hex(16), random_hex(8), {}};
}

std::expected<TraceContext, Problem> trace_context_of(const Request& request) {
  TraceContext trace = new_trace_context();
  if (const auto* state = request.header("tracestate")) {
    if (auto ok = check_tracestate(*state); !ok) return std::unexpected(ok.error());
  }
  const auto* parent = request.header("traceparent");
  if (!parent) return trace;
  auto canonical = parse_traceparent(*parent);
  if (!canonical) return std::unexpected(canonical.error());
  trace.trace_id = canonical->substr(3, 32);
  trace.caller_traceparent = std::move(*canonical);
  return trace;
}

}  // namespace schakel::gateway
