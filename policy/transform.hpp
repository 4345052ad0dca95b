#pragma once
// Stage transform: applies a decision's level plan to one canonical message.
// Only fields the plan names survive (default deny); each is transformed as
// the plan says, inside objects and arrays of objects field by field; the subject becomes a
// pseudonym in the recipient's domain (or stays a BSN where the plan says so). The field actions
// list names, categories, actions and rules — never values — for the audit record; they name
// catalogued fields only. A member name outside the catalogue is the sender's text and may be
// personal data ("jan.devries@…": 1): it is dropped and only counted. Free text to redact is
// redacted with the context of its whole message (policy/redaction.hpp), built once per message
// at the first such field; what it masked is counted per kind, never named.
#include <chrono>
#include <expected>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/problem.hpp"
#include "crypto/pseudonymiser.hpp"
#include "policy/decision.hpp"
#include "policy/message.hpp"
#include "policy/redaction.hpp"

namespace schakel::policy {

struct FieldAction {
  std::string field;
  std::string category;  // empty when the field is not in the catalogue
  std::string action;    // a transform name; "drop" for everything not passed
  std::string rule;
};

struct TransformedMessage {
  CanonicalMessage message;
  std::vector<FieldAction> actions;         // catalogued fields only
  std::size_t unknown_fields_dropped = 0;   // member names outside the catalogue, never named
  std::optional<RedactionCounts> redacted;  // masks per kind when a field was redacted
};

// Validates the subject (11-check, or a pseudonym of the sender's domain).
[[nodiscard]] std::expected<crypto::Subject, Problem> resolve_subject(
    const SubjectId& subject, const Partner& sender, const crypto::Pseudonymiser& pseudonymiser);

class Transformer {
 public:
  explicit Transformer(const crypto::Pseudonymiser& pseudonymiser)
      : pseudonymiser_(pseudonymiser) {}

  [[nodiscard]] std::expected<TransformedMessage, Problem> apply(
      const Policy& policy, const Decision& decision, const CanonicalMessage& in,
      const crypto::Subject& subject, std::chrono::year_month_day today) const;

 private:
  // Per-message state of one walk over the message's fields.
  struct Walk {
    const Policy& policy;
    const LevelPlan& plan;
    const Partner& recipient;
    std::chrono::year_month_day today;
    std::vector<FieldAction>& actions;
    std::size_t& unknown_fields_dropped;
    const CanonicalMessage& in;
    std::optional<RedactionCounts>& redacted;
    std::optional<RedactionContext> redaction = {};  // built at the first field to redact
    std::set<std::string> noted = {};  // each catalogue path noted once, however many array items
  };
  void note(Walk& walk, FieldAction action) const;
  [[nodiscard]] std::expected<nlohmann::json, Problem> transform_object(
      Walk& walk, const std::string& prefix, const nlohmann::json& in) const;
  [[nodiscard]] std::expected<std::optional<nlohmann::json>, Problem> transform_field(
      Walk& walk, const std::string& name, const nlohmann::json& value) const;
  [[nodiscard]] std::expected<std::optional<nlohmann::json>, Problem> transform_container(
      Walk& walk, const FieldSpec& spec, const nlohmann::json& value) const;
  [[nodiscard]] std::expected<nlohmann::json, Problem> transform_value(
      Walk& walk, const FieldSpec& spec, const FieldRule& rule, const nlohmann::json& value) const;
  [[nodiscard]] std::expected<nlohmann::json, Problem> redact(Walk& walk,
                                                              const std::string& text) const;

  const crypto::Pseudonymiser& pseudonymiser_;
};

}  // namespace schakel::policy
