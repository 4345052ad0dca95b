#include "gateway/case_binding.hpp"

namespace schakel::gateway {

std::expected<CaseBinding, Problem> bind_to_case(region::CaseStore& cases,
                                                 const policy::Policy& policy,
                                                 const policy::Partner& sender,
                                                 const Envelope& envelope) {
  if (!region::is_case_id(envelope.case_ref)) return CaseBinding{envelope.level, ""};
  auto loaded = cases.load(envelope.case_ref);
  if (!loaded) {
    return std::unexpected(
        make_problem(ProblemKind::kAuditUnavailable, "the case store failed: " + loaded.error()));
  }
  if (!*loaded || !(*loaded)->participant(sender.oin)) {
    return std::unexpected(
        make_problem(ProblemKind::kNotFound, "Schakel-Case names no case of this partner"));
  }
  const region::Case& value = **loaded;
  const policy::Purpose* purpose = policy.enabled_purpose(value.purpose);
  if (value.closed_on || !purpose) {
    return std::unexpected(make_problem(ProblemKind::kCaseClosed, "the case is closed"));
  }
  if (envelope.purpose != value.purpose) {
    return std::unexpected(make_problem(
        ProblemKind::kPurposeNotPermitted,
        "a message in a case goes under the case's purpose, " + value.purpose, purpose->rule));
  }
  if (!value.participant(envelope.recipient_oin)) {
    return std::unexpected(
        make_problem(ProblemKind::kRoleNotPermitted, "the recipient takes no part in the case"));
  }
  if (envelope.level && *envelope.level > value.level) {
    return std::unexpected(make_problem(
        ProblemKind::kLevelNotPermitted,
        "the case is at level " + std::to_string(value.level) + ": Schakel-Level may not exceed it",
        purpose->rule + "/levels"));
  }
  return CaseBinding{envelope.level ? envelope.level : std::optional<int>(value.level),
                     value.subject_index};
}

}  // namespace schakel::gateway
