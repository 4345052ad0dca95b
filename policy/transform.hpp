#pragma once
// Stage transform: applies a decision's level plan to one canonical message.
// Only fields the plan names survive (default deny); each is transformed as
// the plan says; the subject becomes a pseudonym in the recipient's domain
// (or stays a BSN where the plan says so). The field actions list names,
// categories, actions and rules — never values — for the audit record.
#include <chrono>
#include <expected>
#include <string>
#include <vector>

#include "common/problem.hpp"
#include "crypto/pseudonymiser.hpp"
#include "policy/decision.hpp"
#include "policy/message.hpp"

namespace schakel::policy {

struct FieldAction {
  std::string field;
  std::string category;  // empty when the field is not in the catalogue
  std::string action;    // a transform name; "drop" for everything not passed
  std::string rule;
};

struct TransformedMessage {
  CanonicalMessage message;
  std::vector<FieldAction> actions;
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
  [[nodiscard]] std::expected<nlohmann::json, Problem> transform_value(
      const FieldSpec& spec, const FieldRule& rule, const nlohmann::json& value,
      const Partner& recipient, std::chrono::year_month_day today) const;

  const crypto::Pseudonymiser& pseudonymiser_;
};

}  // namespace schakel::policy
