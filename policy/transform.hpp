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
//
// A message from a peer region (issue 20) arrives already minimised by the peer's gateway, which
// says per field what it did (UpstreamActions). The claim is checked, not believed: a value that
// is not what the claimed transform gives refuses the message. This region's plan applies on top
// and the stricter of the two wins field by field: what the peer generalised at least as strongly
// passes as it came (citing the peer), a redacted text is redacted again, a field pseudonym is
// pseudonymised again into the recipient's domain (the peer must not be able to compute it), a
// stronger plan here pseudonymises or drops it, and two different generalisations of one field (a
// year there, an age band here) drop it. A subject the peer sent as a pseudonym stays a pseudonym
// even where this region's plan would pass the BSN.
#include <chrono>
#include <expected>
#include <map>
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

// What a peer region's gateway did to the catalogued fields it passed on.
struct UpstreamActions {
  std::map<std::string, Transform, std::less<>> fields;  // absent: passed unchanged (keep)
  std::string rule;  // where this region takes the peer's messages (region.json#/peers/N)
};

struct TransformedMessage {
  CanonicalMessage message;
  bool subject_as_bsn = false;              // the subject went as the BSN, not a pseudonym
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
      const crypto::Subject& subject, std::chrono::year_month_day today,
      const UpstreamActions* upstream = nullptr) const;

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
    const UpstreamActions* upstream = nullptr;
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
  [[nodiscard]] std::expected<std::optional<nlohmann::json>, Problem> over_upstream(
      Walk& walk, const FieldSpec& spec, const FieldRule& rule, Transform upstream,
      const nlohmann::json& value) const;
  [[nodiscard]] std::expected<nlohmann::json, Problem> pseudonymise_field(
      const std::string& text, const Partner& recipient) const;

  const crypto::Pseudonymiser& pseudonymiser_;
};

}  // namespace schakel::policy
