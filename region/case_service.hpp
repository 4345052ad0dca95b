#pragma once
// Case consultations (issue 14): what a request about a case means under the
// policy. A partner whose role the purpose lists in `case_directors` (the ZVH)
// opens a case for a person at one of the purpose's levels and invites
// participants (partners whose role the purpose allows, each with a contact
// point of its own); it raises or lowers the level with a reason, records
// agreed actions and decisions, adds participants and closes the case. Every
// participant reads the overview — participants and their contact points, the
// level and its history, actions, decisions — with the person as that
// participant's own pseudonym; anyone else gets not-found, as if there were
// no case. Free text is redacted (the policy's redactor) before it is stored.
// Each successful change returns the case as stored, for the caller's audit record.
#include <expected>
#include <string>

#include <nlohmann/json.hpp>

#include "common/calendar.hpp"
#include "common/problem.hpp"
#include "crypto/pseudonymiser.hpp"
#include "policy/model.hpp"
#include "region/case_store.hpp"

namespace schakel::region {

struct CaseOutcome {
  Case value;
  std::string subject_token;
  std::string change;  // "opened", "level", "participant", "action", "decision", "closed"
  std::map<std::string, std::string> details;  // for the audit record: never personal
};

class CaseService {
 public:
  CaseService(CaseStore& store, const crypto::Pseudonymiser& pseudonymiser)
      : store_(store), pseudonymiser_(pseudonymiser) {}

  // POST /v1/cases: {"subject", "purpose", "level", "contact", "participants": [{"partner",
  // "contact"?}]}
  [[nodiscard]] std::expected<CaseOutcome, Problem> open(const policy::Policy& policy,
                                                         const policy::Partner& director,
                                                         std::string_view body,
                                                         calendar::Date today,
                                                         const std::string& new_id) const;
  // GET /v1/cases/{id}: the overview, for a participant only.
  [[nodiscard]] std::expected<nlohmann::json, Problem> overview(const policy::Policy& policy,
                                                                const policy::Partner& caller,
                                                                const std::string& id,
                                                                std::string* subject_token) const;
  // The case reference and the person's audit token of an existing case, for
  // the record of a refused request about it (who probed whom); nothing otherwise.
  [[nodiscard]] std::optional<std::pair<std::string, std::string>> refusal_context(
      const std::string& id) const;
  // POST /v1/cases/{id}/{what}: what is level, participants, actions, decisions or close.
  [[nodiscard]] std::expected<CaseOutcome, Problem> change(
      const policy::Policy& policy, const policy::Partner& caller, const std::string& id,
      const std::string& what, std::string_view body, calendar::Date today) const;

 private:
  CaseStore& store_;
  const crypto::Pseudonymiser& pseudonymiser_;
};

// A case id: kCaseIdPrefix and 20 lower-case letters (no digits, so no BSN can
// hide in it, and it passes as a Schakel-Case reference); is_case_id tells it
// from a partner's own opaque case reference.
inline constexpr std::string_view kCaseIdPrefix = "schakel-zaak-";
[[nodiscard]] std::string new_case_id();
[[nodiscard]] bool is_case_id(std::string_view reference);

}  // namespace schakel::region
