#include "policy/field_values.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <re2/re2.h>

namespace schakel::policy {
namespace {

// Dutch licence plates, sidecodes 1 to 14, with or without dashes.
constexpr std::string_view kPlate =
    R"(\b(?:[A-Z]{2}-?[0-9]{2}-?[0-9]{2}|[0-9]{2}-?[0-9]{2}-?[A-Z]{2}|[0-9]{2}-?[A-Z]{2}-?[0-9]{2})"
    R"(|[A-Z]{2}-?[0-9]{2}-?[A-Z]{2}|[A-Z]{2}-?[A-Z]{2}-?[0-9]{2}|[0-9]{2}-?[A-Z]{2}-?[A-Z]{2})"
    R"(|[0-9]{2}-?[A-Z]{3}-?[0-9]|[0-9]-?[A-Z]{3}-?[0-9]{2}|[A-Z]{2}-?[0-9]{3}-?[A-Z])"
    R"(|[A-Z]-?[0-9]{3}-?[A-Z]{2}|[A-Z]{3}-?[0-9]{2}-?[A-Z]|[A-Z]-?[0-9]{2}-?[A-Z]{3})"
    R"(|[0-9]-?[A-Z]{2}-?[0-9]{3}|[0-9]{3}-?[A-Z]{2}-?[0-9])\b)";

struct Redaction {
  std::string_view pattern;
  std::string_view replacement;
};

// Order matters where two kinds could start at the same character: the
// earlier one wins (RE2's leftmost-first alternation).
constexpr std::array<Redaction, 6> kRedactions{{
    {R"((?i:\b[A-Z]{2}[0-9]{2} ?[A-Z]{4}(?: ?[0-9]){10}\b))", "[IBAN]"},
    {R"([A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,})", "[EMAIL]"},
    {R"((?:\+31|0031|\b0)[ \-]?[1-9](?:[ \-]?[0-9]){8}\b)", "[PHONE]"},
    {R"(\b[0-9]{9}\b)", "[BSN]"},
    {R"(\b[1-9][0-9]{3} ?[A-Z]{2}\b)", "[POSTCODE]"},
    {kPlate, "[KENTEKEN]"},
}};

// All kinds in one alternation without captures, so that RE2 finds every
// identifier in one linear DFA pass however long the text; the kind of each
// match is then told apart on the match alone.
const re2::RE2& identifier_pattern() {
  static const re2::RE2 pattern([] {
    std::string combined;
    for (const auto& redaction : kRedactions) {
      combined += (combined.empty() ? "(?:" : "|(?:") + std::string(redaction.pattern) + ")";
    }
    return combined;
  }());
  if (!pattern.ok()) std::abort();  // the patterns are constants of this file
  return pattern;
}

std::string_view replacement_for(const re2::StringPiece& match) {
  static const auto kinds = [] {
    std::vector<std::unique_ptr<const re2::RE2>> compiled;
    for (const auto& redaction : kRedactions) {
      compiled.push_back(std::make_unique<const re2::RE2>(redaction.pattern));
    }
    return compiled;
  }();
  for (std::size_t kind = 0; kind < kinds.size(); ++kind) {
    if (kinds[kind]->Match(match, 0, match.size(), re2::RE2::ANCHOR_BOTH, nullptr, 0)) {
      return kRedactions[kind].replacement;
    }
  }
  return "[REDACTED]";
}

}  // namespace

std::optional<std::chrono::year_month_day> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto number = [&](std::size_t from, std::size_t count) -> std::optional<int> {
    int value = 0;
    for (std::size_t i = from; i < from + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  auto y = number(0, 4);
  auto m = number(5, 2);
  auto d = number(8, 2);
  if (!y || !m || !d) return std::nullopt;
  std::chrono::year_month_day date{std::chrono::year{*y},
                                   std::chrono::month{static_cast<unsigned>(*m)},
                                   std::chrono::day{static_cast<unsigned>(*d)}};
  if (!date.ok()) return std::nullopt;
  return date;
}

bool matches_type(const FieldSpec& spec, const nlohmann::json& value) {
  switch (spec.type) {
    case FieldType::kString:
    case FieldType::kText:
    case FieldType::kPhone:
      return value.is_string();
    case FieldType::kEmail:
      return value.is_string() &&
             value.get_ref<const std::string&>().find('@') != std::string::npos;
    case FieldType::kDate:
      return value.is_string() && parse_date(value.get_ref<const std::string&>()).has_value();
    case FieldType::kPostcode:
      return value.is_string() &&
             generalise_postcode(value.get_ref<const std::string&>()).has_value();
    case FieldType::kNumber:
      return value.is_number();
    case FieldType::kBoolean:
      return value.is_boolean();
    case FieldType::kEnum:
      return value.is_string() && spec.values.contains(value.get_ref<const std::string&>());
    case FieldType::kObject:
      return value.is_object();
    case FieldType::kArray:
      return value.is_array();
  }
  return false;
}

std::chrono::year_month_day today_utc() {
  return std::chrono::year_month_day{
      std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
}

std::string generalise_year(std::chrono::year_month_day date) {
  return std::to_string(static_cast<int>(date.year()));
}

std::string generalise_age_band(std::chrono::year_month_day birth,
                                std::chrono::year_month_day today) {
  int age = static_cast<int>(today.year()) - static_cast<int>(birth.year());
  if (std::chrono::month_day{today.month(), today.day()} <
      std::chrono::month_day{birth.month(), birth.day()}) {
    --age;
  }
  if (age < 0) return "unknown";
  if (age < 12) return "0-11";
  if (age < 18) return "12-17";
  if (age < 25) return "18-24";
  if (age >= 75) return "75+";
  const int low = 25 + ((age - 25) / 10) * 10;
  return std::to_string(low) + "-" + std::to_string(low + 9);
}

std::optional<std::string> generalise_postcode(std::string_view text) {
  static const re2::RE2 pattern(R"(([1-9][0-9]{3}) ?[A-Za-z]{2})");
  std::string digits;
  if (!re2::RE2::FullMatch(re2::StringPiece(text.data(), text.size()), pattern, &digits)) {
    return std::nullopt;
  }
  return digits;
}

std::string redact_text(std::string_view text) {
  const re2::RE2& pattern = identifier_pattern();
  const re2::StringPiece input(text.data(), text.size());
  re2::StringPiece match;
  std::string out;
  out.reserve(text.size());
  std::size_t position = 0;
  while (position < text.size() &&
         pattern.Match(input, position, text.size(), re2::RE2::UNANCHORED, &match, 1)) {
    const auto start = static_cast<std::size_t>(match.data() - text.data());
    out.append(text.substr(position, start - position));
    out.append(replacement_for(match));
    position = start + std::max<std::size_t>(match.size(), 1);
  }
  if (position < text.size()) out.append(text.substr(position));
  return out;
}

}  // namespace schakel::policy
