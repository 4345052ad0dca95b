#pragma once
// The person's inzage for the region's citizen portal (issue 19), over the
// portal's own mutual-TLS identity (the portal authenticated the person,
// e.g. with DigiD; that is outside Schakel):
//   POST /v1/inzage   {"bsn": "<9 digits>"}      (the BSN in the body, never in a URL)
//   200 the person's report (inzage/report.hpp), Cache-Control: no-store
// Only a partner of role "inzage_portal" may ask (others: 403
// role-not-permitted); a BSN that fails the 11-check is 422 invalid-subject.
//   POST /v1/inzage/releases   {"transaction_id": "<an exchange's Fsc-Transaction-Id>"}
//   200 {"released": ..., "purpose": ...}
// A release lifts the deferral of one exchange whose purpose's inzage is
// "deferred" with `released_by` the caller's role (the prosecutor releases a
// criminal-case referral), when the caller took part in it (sender or
// recipient; any other exchange is 404, as one that does not exist). It is
// an audit record of kind "inzage-release" carrying the person's audit
// token and the exchange's id: the person's records hold their releases.
// The report holds what the purposes' inzage rules let the person see at
// this moment (the gateway's clock, or the settings' injected one), releases
// included (inzage/report.hpp reads them from the records). Every request
// is one audit record of kind "inzage" — the person's audit token, the
// number of items shown and held back, never the BSN — durable before the
// answer; it is itself an item of the person's next inzage.
// Cost: each request reads the trail (audit::query_records) on the region's
// thread; a trail of millions of records makes it slow (an index by token is
// the next step when regions need it).
#include <expected>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "audit/audit_log.hpp"
#include "crypto/pseudonymiser.hpp"
#include "gateway/policy_holder.hpp"
#include "gateway/router.hpp"
#include "gateway/settings.hpp"

namespace schakel::gateway {

inline constexpr const char* kInzagePortalRole = "inzage_portal";

struct InzageRouteParts {
  const PolicyHolder& policy;
  audit::AuditLog& audit;
  const crypto::Pseudonymiser& pseudonymiser;
  const Settings& settings;  // where the trail is; the clock
  boost::asio::any_io_executor region_thread;
};

[[nodiscard]] std::expected<void, std::string> add_inzage_route(Router& router,
                                                                InzageRouteParts parts);

}  // namespace schakel::gateway
