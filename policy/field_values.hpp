#pragma once
// Value-level transforms and type checks for single fields. Pure functions:
// no policy, no keys. A value that does not match its declared type yields
// std::nullopt / false so the caller refuses the message without echoing it.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "policy/model.hpp"

namespace schakel::policy {

[[nodiscard]] bool matches_type(const FieldSpec& spec, const nlohmann::json& value);

[[nodiscard]] std::string generalise_year(std::chrono::year_month_day date);
[[nodiscard]] std::string generalise_age_band(std::chrono::year_month_day birth,
                                              std::chrono::year_month_day today);
// "1234 AB" or "1234ab" -> "1234"; std::nullopt when not a Dutch postcode.
[[nodiscard]] std::optional<std::string> generalise_postcode(std::string_view text);
// Redacts a lone text (policy/redaction.hpp) with the built-in gazetteer and
// no message around it: identifiers, dates, addresses and the names it names.
// The transform redacts with the message's context instead.
[[nodiscard]] std::string redact_text(std::string_view text);

}  // namespace schakel::policy
