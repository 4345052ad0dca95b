#include "gateway/envelope.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <chrono>

#include "crypto/encoding.hpp"
#include "policy/field_values.hpp"

namespace schakel::gateway {
namespace {

constexpr std::array kPurposeHeaders{"Schakel-Purpose", "X-Doelbinding",
                                     "X-NLX-Request-Process-Id"};

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

// Schakel-Purpose or one of its aliases; several of them must name the same purpose.
std::expected<std::string, Problem> read_purpose(const Request& request) {
  const std::string* purpose = nullptr;
  for (const char* name : kPurposeHeaders) {
    const auto* value = request.header(name);
    if (!value) continue;
    if (value->empty() || value->size() > 128) {
      return std::unexpected(invalid_header(std::string(name) + " must be a purpose id"));
    }
    if (purpose && *purpose != *value) {
      return std::unexpected(invalid_header(
          "Schakel-Purpose, X-Doelbinding and X-NLX-Request-Process-Id name different purposes"));
    }
    purpose = value;
  }
  if (!purpose) {
    return std::unexpected(
        make_problem(ProblemKind::kMissingHeader, "Schakel-Purpose is required"));
  }
  return *purpose;
}

std::expected<std::optional<int>, Problem> read_level(const Request& request) {
  const auto* value = request.header("Schakel-Level");
  if (!value) return std::optional<int>{};
  if (*value == "1" || *value == "2" || *value == "3") return std::optional<int>{(*value)[0] - '0'};
  return std::unexpected(make_problem(ProblemKind::kInvalidLevel,
                                      "Schakel-Level must be 1 (signal), 2 (case consultation) "
                                      "or 3 (crisis)"));
}

// Every digit of the text counts: separators or letters between them
// ("999-990-019", "zaak999x990x019") do not hide a BSN.
std::size_t digit_count(std::string_view text) {
  return static_cast<std::size_t>(std::ranges::count_if(text, is_digit));
}

// A case reference is opaque and never personal data: a short token with
// fewer than eight digits in all, so that no BSN can hide in it.
std::expected<std::string, Problem> read_case(const Request& request) {
  constexpr std::size_t kBsnLikeDigits = 8;
  const auto* value = request.header("Schakel-Case");
  if (!value) return std::string();
  if (value->empty() || value->size() > 64 || !all_of_class(*value, is_case_char) ||
      digit_count(*value) >= kBsnLikeDigits) {
    return std::unexpected(invalid_header(
        "Schakel-Case must be an opaque reference of at most 64 characters [A-Za-z0-9._:/-] "
        "with fewer than 8 digits, never personal data"));
  }
  return *value;
}

}  // namespace

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

bool is_uuid_v7(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
    if (dash ? c != '-' : !is_lower_hex(c)) return false;
  }
  const char variant = static_cast<char>(std::tolower(static_cast<unsigned char>(text[19])));
  return text[14] == '7' && std::string_view("89ab").find(variant) != std::string_view::npos;
}

std::expected<std::string, Problem> transaction_id_of(const Request& request) {
  const auto* value = request.header("Fsc-Transaction-Id");
  if (!value) return new_transaction_id();
  if (!is_uuid_v7(*value)) {
    return std::unexpected(invalid_header("Fsc-Transaction-Id must be a UUIDv7 (RFC 9562)"));
  }
  return *value;
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
