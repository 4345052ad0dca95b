#pragma once
// `schakel policy explain`: runs one message through the gateway's own
// evaluation (gateway/evaluation.hpp: envelope, decode, subject, decide,
// transform, encode — the same function, in the same order) and reports what
// the recipient would receive and, for every field, the rule that kept,
// transformed or dropped it; for a refused message, the rule that refused
// it. Subject pseudonyms are made with ephemeral keys held in memory only
// (KeyStore::ephemeral): they show the form, never a real pseudonym.
#include <string>

#include <nlohmann/json.hpp>

#include "common/calendar.hpp"

#include "policy/model.hpp"

namespace schakel::cli {

struct ExplainRequest {
  std::string sender_oin;
  std::string recipient_oin;
  std::string purpose;
  std::optional<int> level;  // unset: as a message without Schakel-Level (the lowest enabled)
  std::string message;       // in the sender's format (region file): canonical, mapped or FHIR JSON
  std::optional<calendar::Date> today;  // the day to evaluate on (age bands); UTC today if unset
};

// {"decision": "allowed"|"refused", ...}.
[[nodiscard]] nlohmann::json explain(const policy::Policy& policy, const ExplainRequest& request);
[[nodiscard]] std::string explain_text(const nlohmann::json& explanation);

}  // namespace schakel::cli
