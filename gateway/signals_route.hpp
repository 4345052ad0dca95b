#pragma once
// The signal endpoints (issue 14), over the partner's mutual-TLS identity:
//   POST /v1/signals           register (or renew) an involvement: 201 / 200
//   DELETE /v1/signals/{id}    withdraw: 200, or 404 when not the caller's own
//   POST /v1/signals/query     who else is involved, as far as the pairs allow
//                              (the purpose in the body, or as ?purpose=)
// Each answer, refusals included, has its audit record (kind "signal",
// outcome registered | renewed | withdrawn | answered | refused) durable
// before the reply. A registration or withdrawal commits with its record held
// in the RecordOutbox (audited_answer.hpp); a registration's new matches are
// stored with it, each with a record of its own (kind "match") that holds the
// match's notifications until it is in the trail.
#include <expected>
#include <functional>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "audit/audit_log.hpp"
#include "common/calendar.hpp"
#include "gateway/policy_holder.hpp"
#include "gateway/router.hpp"
#include "region/record_outbox.hpp"
#include "region/signal_service.hpp"

namespace schakel::gateway {

struct SignalRouteParts {
  const PolicyHolder& policy;
  const region::SignalService& service;
  audit::AuditLog& audit;
  region::RecordOutbox& outbox;
  boost::asio::any_io_executor region_thread;  // where the SQLite work runs
  std::function<void()> wake_notifier;         // records settled: notifications may be due
  std::function<calendar::Date()> today = calendar::today_utc;
};

[[nodiscard]] std::expected<void, std::string> add_signal_routes(Router& router,
                                                                 SignalRouteParts parts);

}  // namespace schakel::gateway
