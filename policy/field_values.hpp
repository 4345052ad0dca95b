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
// Whether `value` is something `transform` gives for a field of `spec`'s
// type, as a peer region's gateway claims it did (issue 20): a year
// ("1987"), an age band of generalise_age_band, four postcode digits, a field
// pseudonym ("f1." + 22 base64url characters), a redacted text (a string of
// a text field; it is redacted again anyway). Keep and drop are no claim here.
[[nodiscard]] bool is_output_of(Transform transform, const FieldSpec& spec,
                                const nlohmann::json& value);
// Redacts a lone text (policy/redaction.hpp) with the built-in gazetteer and
// no message around it: identifiers, dates, addresses and the names it names.
// The transform redacts with the message's context instead.
[[nodiscard]] std::string redact_text(std::string_view text);

}  // namespace schakel::policy
