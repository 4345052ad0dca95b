#pragma once
// The case endpoints (issue 14), over the partner's mutual-TLS identity:
//   POST /v1/cases                                  open (the director): 201
//   GET  /v1/cases/{id}                             the overview, participants only (else 404)
//   POST /v1/cases/{id}/level | participants | actions | decisions | close
//                                                   changes by the director (an owner
//                                                   completes its own action)
// Each, refusals and reads included, is an audit record of kind "case"
// (outcome opened | read | level | participant | action | decision | closed |
// refused; the case id as its case reference — on a refusal about an existing
// case too, with the person's token: who probed whom) durable before the reply.
// A change commits with its record held in the RecordOutbox
// (audited_answer.hpp). Opening a case, changing its level (up or down),
// adding a participant and closing it owe every other participant (the new
// one included) a notification in the same transaction (kind
// "case": the case, the change, the levels, the date — the reason only in the
// overview), held until the change's record is in the trail and then
// delivered by the Notifier.
// Schakel-Case binds messages to a case (case_binding.hpp).
#include <expected>
#include <functional>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "audit/audit_log.hpp"
#include "common/calendar.hpp"
#include "gateway/policy_holder.hpp"
#include "gateway/router.hpp"
#include "region/case_service.hpp"
#include "region/record_outbox.hpp"
#include "region/signal_store.hpp"

namespace schakel::gateway {

struct CaseRouteParts {
  const PolicyHolder& policy;
  const region::CaseService& service;
  audit::AuditLog& audit;
  region::SignalStore& notifications;  // where the participants' notifications wait
  region::RecordOutbox& outbox;
  boost::asio::any_io_executor region_thread;  // where the SQLite work runs
  std::function<void()> wake_notifier;
  std::function<calendar::Date()> today = calendar::today_utc;
};

[[nodiscard]] std::expected<void, std::string> add_case_routes(Router& router,
                                                               CaseRouteParts parts);

}  // namespace schakel::gateway
