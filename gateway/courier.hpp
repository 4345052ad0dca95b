#pragma once
// Delivers the messages queued with Prefer: respond-async (issue 15), one
// round at a time from the Notifier's coroutine: (1) what is past its
// purpose's queue_hours expires (forgotten; record kind "delivery", outcome
// "expired"); (2) each due message is opened (queue_cipher.hpp) and sent to
// the recipient's current endpoint over mutual TLS with the headers it was
// queued with — the same Fsc-Transaction-Id on every attempt, so that a
// recipient that honours it takes it once. A 2xx delivers it (a handover
// then waits for its answer until accept_within_hours); anything else is
// retried after min(2^attempts, 300) s; (3) a delivered handover not
// answered within its purpose's accept_within_hours is escalated, once: a
// notification (Schakel-Notification: escalation) to the partners whose role
// directs the purpose's cases, naming the handover, never its content, and a
// receipt to the sender; an expiry sends the sender a receipt too. Each
// attempt's outcome commits with
// its record (kind "delivery", outcome delivered or failed, the attempt)
// held in the outbox (committed at Durability::kAfterCrash: a power loss
// may repeat a delivery, under the same id, never lose one), so no attempt
// goes unrecorded. After a SIGKILL the
// queue is where it was: a delivery whose outcome was not yet committed is
// sent again, under the same transaction id. The store's work runs on the
// region's thread.
#include <cstdint>
#include <functional>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "audit/audit_log.hpp"
#include "crypto/queue_cipher.hpp"
#include "gateway/forwarder.hpp"
#include "gateway/metrics.hpp"
#include "gateway/policy_holder.hpp"
#include "region/message_queue.hpp"
#include "region/record_outbox.hpp"
#include "region/signal_store.hpp"

namespace schakel::gateway {

using OpenHandoversGauge = SharedSnapshot<const OpenHandoversByRecipient>;

struct CourierParts {
  const PolicyHolder& policy;
  region::MessageQueue& queue;
  region::RecordOutbox& outbox;
  region::SignalStore& notifications;  // receipts and escalations wait here
  const crypto::QueueCipher& cipher;
  audit::AuditLog& audit;
  Forwarder& forwarder;
  boost::asio::any_io_executor region_thread;
  std::function<std::int64_t()> now_unix = {};   // seconds; the system clock unless set
  OpenHandoversGauge* open_handovers = nullptr;  // refreshed each round (Metrics)
};

class Courier {
 public:
  explicit Courier(CourierParts parts);
  [[nodiscard]] boost::asio::awaitable<void> round();
  // On the region's thread (the Notifier's hourly prune, in its transaction):
  // the queue's ended rows of `purpose` past its retention, deleted; how many.
  [[nodiscard]] std::expected<std::int64_t, std::string> forget_ended(const std::string& purpose,
                                                                      std::int64_t ended_before);

 private:
  [[nodiscard]] boost::asio::awaitable<void> expire(std::int64_t now);
  [[nodiscard]] boost::asio::awaitable<void> escalate(std::int64_t now);
  [[nodiscard]] boost::asio::awaitable<void> count_open(std::int64_t now);
  [[nodiscard]] boost::asio::awaitable<void> deliver(const region::QueuedMessage& message,
                                                     std::int64_t now);

  CourierParts parts_;
};

}  // namespace schakel::gateway
