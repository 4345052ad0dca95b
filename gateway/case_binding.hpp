#pragma once
// Schakel-Case (issue 14): a message whose Schakel-Case is a case id of this
// region (region::is_case_id: "schakel-zaak-" and 20 letters) is bound to it —
// its purpose must be the case's, sender and recipient must be participants,
// the case must be open, it must be about the case's person (checked once the
// subject is resolved: CaseBinding::subject_index), and it goes at the case's
// current level: Schakel-Level may name that level or a lower one, never a
// higher; without Schakel-Level it is the case's. Any other Schakel-Case value
// is the partners' own opaque reference, passed on as before. A refusal names what refused:
// not-found for a case the sender does not take part in (as for reading it), role-not-permitted for
// a recipient outside it, purpose-not-permitted, level-not-permitted, case-closed.
#include <expected>
#include <optional>

#include "common/problem.hpp"
#include "gateway/envelope.hpp"
#include "policy/model.hpp"
#include "region/case_service.hpp"
#include "region/case_store.hpp"

namespace schakel::gateway {

struct CaseBinding {
  std::optional<int> level;   // the level the message goes at
  std::string subject_index;  // the case's person (signal index pseudonym); empty: no case
};

[[nodiscard]] std::expected<CaseBinding, Problem> bind_to_case(region::CaseStore& cases,
                                                               const policy::Policy& policy,
                                                               const policy::Partner& sender,
                                                               const Envelope& envelope);

}  // namespace schakel::gateway
