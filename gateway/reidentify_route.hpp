#pragma once
// Re-identification under control (issue 15), over the caller's own
// mutual-TLS identity:
//   POST /v1/reidentify   {"pseudonym": "<of the caller's domain>", "purpose": "<id>"}
//   200 {"bsn": "...", "purpose": "...", "transaction_id": "..."}, Cache-Control: no-store
// Refused by default: only a partner whose role the purpose lists under
// "reidentification" (guideline, narrowed by the region) may, at most
// `per_hour` times an hour (schakel.json limits.reidentifications_per_hour,
// a token bucket per partner). The checks in their order: the body; the
// pseudonym (unknown-pseudonym: not of the caller's domain); the purpose
// (purpose-not-permitted: not enabled in the region); the role
// (role-not-permitted, citing the rule); the rate (rate-limited, with
// Retry-After); the escrow (reidentification-ended 410, not-found 404).
// Every request, granted or refused, is one audit record of kind
// "reidentification" (outcome granted | refused, the problem and rule) that
// carries the person's audit token whenever the pseudonym was valid — so the
// subject-access report lists it. No record, no BSN. The BSN is in the
// answer only: never in the record, a log or the answers kept for repeats.
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
