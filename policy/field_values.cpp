#include "policy/field_values.hpp"

#include <string>

#include <re2/re2.h>

#include "common/calendar.hpp"
#include "policy/redaction.hpp"

namespace schakel::policy {

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
      return value.is_string() &&
             calendar::parse_date(value.get_ref<const std::string&>()).has_value();
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

bool is_output_of(Transform transform, const FieldSpec& spec, const nlohmann::json& value) {
  if (!value.is_string() || !applies_to(transform, spec.type)) return false;
  const std::string& text = value.get_ref<const std::string&>();
  static const re2::RE2 kYear("[0-9]{4}");
  static const re2::RE2 kAgeBand(
      "unknown|0-11|12-17|18-24|75\\+|(25|35|45|55|65)-(34|44|54|64|74)");
  static const re2::RE2 kPostcode4("[1-9][0-9]{3}");
  static const re2::RE2 kFieldPseudonym("f1\\.[A-Za-z0-9_-]{22}");
  switch (transform) {
    case Transform::kYear:
      return re2::RE2::FullMatch(text, kYear);
    case Transform::kAgeBand: {
      std::string low, high;
      return re2::RE2::FullMatch(text, kAgeBand, &low, &high) &&
             (low.empty() || std::stoi(high) == std::stoi(low) + 9);
    }
    case Transform::kPostcode4:
      return re2::RE2::FullMatch(text, kPostcode4);
    case Transform::kPseudonymise:
      return re2::RE2::FullMatch(text, kFieldPseudonym);
    case Transform::kRedact:
      return true;
    case Transform::kKeep:
    case Transform::kDrop:
      break;
  }
  return false;
}

std::string redact_text(std::string_view text) {
  const Redactor& redactor = Redactor::standard();
  return redactor.redact(text, redactor.context_of_text(text)).text;
}

}  // namespace schakel::policy
