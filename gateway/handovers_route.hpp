#pragma once
// The warm part of a handover (issue 15), over the recipient's own
// mutual-TLS identity:
//   POST /v1/handovers/{transaction-id}/accept    {} (or no body)
//   POST /v1/handovers/{transaction-id}/decline   {"reason": "..."}
// Only the addressed recipient of a delivered, unanswered handover may
// answer, once (anyone else: the same 404; answered or not yet delivered:
// 409 not-answerable). The body is read first: one it cannot take is 400
// before any lookup, so it tells nobody whether the handover exists. The answer commits with its
// record (kind "handover", outcome accepted | declined) and a receipt owed to the sender
// (Schakel-Notification: handover; the reason redacted as the guideline's
// free text, never the message), through audited_answer's outbox.
#include <expected>
#include <functional>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "audit/audit_log.hpp"
#include "gateway/policy_holder.hpp"
#include "gateway/router.hpp"
#include "region/message_queue.hpp"
#include "region/record_outbox.hpp"
#include "region/signal_store.hpp"

namespace schakel::gateway {

struct HandoverRouteParts {
  const PolicyHolder& policy;
  audit::AuditLog& audit;
  region::MessageQueue& queue;
  region::SignalStore& notifications;  // where the sender's receipt waits
  region::RecordOutbox& outbox;
  boost::asio::any_io_executor region_thread;
  std::function<void()> wake_notifier;
  std::function<std::int64_t()> now_unix = {};  // seconds; the system clock unless set
};

[[nodiscard]] std::expected<void, std::string> add_handover_routes(Router& router,
                                                                   HandoverRouteParts parts);

// The receipt a sender is owed about its queued message (accepted, declined,
// escalated, expired): no person, no content — the transaction id says which.
[[nodiscard]] region::Notification receipt_for(const region::QueuedMessage& message,
                                               const std::string& event, const std::string& held_by,
                                               nlohmann::json extra = nlohmann::json::object());

}  // namespace schakel::gateway
