#pragma once
// Re-identification under control (issue 15), over the caller's own
// mutual-TLS identity:
//   POST /v1/reidentify   {"pseudonym": "<of the caller's domain>", "purpose": "<id>"}
//   200 {"bsn": "...", "purpose": "...", "transaction_id": "..."}, Cache-Control: no-store
// Refused by default: only a partner whose role the purpose lists under
// "reidentification" (guideline, narrowed by the region) may, within a token
// bucket per partner of `per_hour` tokens (schakel.json
// limits.reidentifications_per_hour) that refills one token every
// 60/per_hour minutes. The checks in their order: the body; the pseudonym
// (unknown-pseudonym: not of the caller's domain); the purpose
// (purpose-not-permitted: not enabled in the region); the role
// (role-not-permitted, citing the rule); whether re-identification lasts
// (reidentification-ended 410); the rate (rate-limited, with Retry-After);
// the escrow (not-found 404: no BSN kept for the person).
// Every request, granted or refused, is one audit record of kind
// "reidentification" (outcome granted | refused, the problem and rule); it
// carries the person's audit token whenever the pseudonym was one of the
// caller's domain — so the person's access report lists it (a foreign or
// forged pseudonym names nobody). No record, no BSN. The BSN is in the
// answer only — never in the record, a log, or a kept answer: a request
// repeated under the same Fsc-Transaction-Id is a new request (its own
// record, its own token), since no answer with a BSN is kept to repeat.
#include <expected>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "audit/audit_log.hpp"
#include "crypto/pseudonymiser.hpp"
#include "gateway/escrow.hpp"
#include "gateway/policy_holder.hpp"
#include "gateway/rate_limiter.hpp"
#include "gateway/router.hpp"

namespace schakel::gateway {

struct ReidentifyRouteParts {
  const PolicyHolder& policy;
  audit::AuditLog& audit;
  const crypto::Pseudonymiser& pseudonymiser;
  Escrow& escrow;
  boost::asio::any_io_executor region_thread;
  std::size_t per_hour = 10;
};

[[nodiscard]] std::expected<void, std::string> add_reidentify_route(Router& router,
                                                                    ReidentifyRouteParts parts);

}  // namespace schakel::gateway
