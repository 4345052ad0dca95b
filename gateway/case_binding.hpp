#pragma once
// Schakel-Case (issue 14): a message whose Schakel-Case names a case of this
// region ("zaak-…", region/case_store.hpp) is bound to it — its purpose must
// be the case's, sender and recipient must be participants, the case must be
// open, and it goes at the case's current level: Schakel-Level may name that
// level or a lower one, never a higher; without Schakel-Level it is the
// case's. Another Schakel-Case value is the partners' own opaque reference,
// passed on as before. A refusal names what refused: not-found for a case the
// sender does not take part in (as for reading it), role-not-permitted for a
// recipient outside it, purpose-not-permitted, level-not-permitted, case-closed.
#include <expected>
#include <optional>

#include "common/problem.hpp"
#include "gateway/envelope.hpp"
#include "policy/model.hpp"
#include "region/case_store.hpp"

namespace schakel::gateway {

inline constexpr std::string_view kCasePrefix = "zaak-";

[[nodiscard]] std::expected<std::optional<int>, Problem> bind_to_case(region::CaseStore& cases,
                                                                      const policy::Policy& policy,
                                                                      const policy::Partner& sender,
                                                                      const Envelope& envelope);

}  // namespace schakel::gateway
