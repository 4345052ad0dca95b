#pragma once
// `schakel policy explain`: runs one message through the same stages the
// gateway uses — decide, resolve the subject, transform — and reports what
// the recipient would receive and, for every field, the rule that kept,
// transformed or dropped it; for a refused message, the rule that refused
// it. Subject pseudonyms are made with a throwaway key: they show the form,
// never a real pseudonym.
#include <expected>
#include <string>

#include <nlohmann/json.hpp>

#include "policy/model.hpp"

namespace schakel::cli {

struct ExplainRequest {
  std::string sender_oin;
  std::string recipient_oin;
  std::string purpose;
  int level = 1;
  std::string message;  // canonical JSON
};

// {"decision": "allowed"|"refused", ...}; an error only when no throwaway key can be made.
[[nodiscard]] std::expected<nlohmann::json, std::string> explain(const policy::Policy& policy,
                                                                 const ExplainRequest& request);
[[nodiscard]] std::string explain_text(const nlohmann::json& explanation);

}  // namespace schakel::cli
