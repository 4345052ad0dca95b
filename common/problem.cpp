#include "common/problem.hpp"

#include <array>
#include <utility>

namespace schakel {
namespace {

struct ProblemInfo {
  std::string_view name;
  int status;
  std::string_view title;
};

// Indexed by ProblemKind; the order must follow the enum.
constexpr std::array kProblems{
    ProblemInfo{"unknown-partner", 403, "Sender is not a partner of this region"},
    ProblemInfo{"unknown-recipient", 422, "Recipient is not a partner of this region"},
    ProblemInfo{"purpose-not-permitted", 403, "Purpose not permitted"},
    ProblemInfo{"role-not-permitted", 403, "Role not permitted for this purpose"},
    ProblemInfo{"level-not-permitted", 403, "Escalation level not permitted for this purpose"},
    ProblemInfo{"invalid-level", 400, "Invalid escalation level"},
    ProblemInfo{"invalid-subject", 422, "Invalid subject identifier"},
    ProblemInfo{"invalid-field", 422, "Field does not match its type in the guideline"},
    ProblemInfo{"malformed-body", 400, "Malformed message body"},
    ProblemInfo{"body-too-large", 413, "Message body too large"},
    ProblemInfo{"headers-too-large", 431, "Request headers too large"},
    ProblemInfo{"unsupported-media-type", 415, "Unsupported media type"},
    ProblemInfo{"missing-header", 400, "Required header missing"},
    ProblemInfo{"invalid-header", 400, "Invalid header value"},
    ProblemInfo{"not-found", 404, "Not found"},
    ProblemInfo{"method-not-allowed", 405, "Method not allowed"},
    ProblemInfo{"audit-unavailable", 503, "Audit trail unavailable; nothing was forwarded"},
    ProblemInfo{"recipient-unreachable", 502, "Recipient unreachable"},
    ProblemInfo{"recipient-timeout", 504, "Recipient did not answer in time"},
    ProblemInfo{"recipient-rejected", 502, "Recipient rejected the delivery"},
    ProblemInfo{"rate-limited", 429, "Too many requests; retry later"},
    ProblemInfo{"malformed-request", 400, "Request does not follow HTTP/1.1 or the contract"},
    ProblemInfo{"duplicate-header", 400, "A header appears more than once"},
    ProblemInfo{"expectation-failed", 417, "Expectation not supported"},
    ProblemInfo{"unsupported-transfer-coding", 501, "Transfer coding not implemented"},
    ProblemInfo{"unauthorized", 401, "Credential missing or wrong"},
    ProblemInfo{"unknown-pseudonym", 422, "Not a pseudonym of the sender's domain"},
    ProblemInfo{"unsupported-resource", 422, "FHIR resource type not accepted"},
    ProblemInfo{"invalid-fhir", 422, "Body is not FHIR R4 as the guideline maps it"},
    ProblemInfo{"too-many-items", 422, "An array of the body holds too many items"},
    ProblemInfo{"case-closed", 409, "The case is closed, or its purpose no longer enabled"},
    ProblemInfo{"queue-unavailable", 503, "The message could not be queued durably"},
    ProblemInfo{"duplicate-transaction", 409,
                "This transaction id belongs to another request"},
    ProblemInfo{"not-answerable", 409, "The handover is not delivered, or answered already"},
    ProblemInfo{"record-pending", 503, "The change is made; its audit record follows"},
    ProblemInfo{"reidentification-ended", 410,
                "Re-identification has ended: its key was destroyed"},
    ProblemInfo{"internal-error", 500, "Internal error"},
};
static_assert(kProblems.size() == static_cast<std::size_t>(ProblemKind::kInternal) + 1);

const ProblemInfo& info(ProblemKind kind) {
  return kProblems[static_cast<std::size_t>(kind)];
}

}  // namespace

std::string_view Problem::name() const {
  return info(kind).name;
}
std::string_view Problem::title() const {
  return info(kind).title;
}
int Problem::status() const {
  return info(kind).status;
}
std::string Problem::type_uri() const {
  return "urn:schakel:problem:" + std::string(name());
}

Problem make_problem(ProblemKind kind, std::string detail, std::string rule) {
  return Problem{kind, std::move(detail), std::move(rule), std::nullopt};
}

}  // namespace schakel
