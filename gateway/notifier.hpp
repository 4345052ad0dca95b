#pragma once
// Delivers what the region's work owes partners (issue 14: match and case
// notifications) from the store, never from memory. One coroutine; each
// round it (1) at most hourly deletes signals whose history ended
// (policy::kSignalHistoryDays) and closed cases past their purpose's
// retention, each with a record (kind "signal" or "case", outcome "pruned")
// held in the outbox in the same transaction, and forgets the answers kept
// for repeats; (2) appends the held records the trail refused earlier, that
// were not settled, or that a restart found (region/record_outbox.hpp) and
// settles them; (3) delivers the due
// notifications — those whose holding record is settled: of matches and of
// case changes — each naming the person in the recipient's own pseudonym
// domain, over mutual TLS (the Forwarder) with the header
// Schakel-Notification. Two kinds go to a peer region's gateway (issue 20),
// the person in the pair's transit domain: "peer-signal" (a new signal here,
// to POST /v1/federation/signals) and "peer-match" (a match found here for
// the peer's partner, to POST /v1/federation/notifications with
// Schakel-Recipient); a "peer-signal" only while its signal is active and its
// purpose still crosses both ways, else it is given up. A 2xx removes the notification; anything
// else is retried after min(2^attempts, 300) s (Digikoppeling's cap); one for a partner the region
// no longer has, or that a peer's gateway refuses (4xx other than 429: its rules do not allow it),
// is given up (its record says so). Each attempt is an audit record (kind "notification") held in
// the outbox with the attempt's outcome, so none goes unrecorded (committed at
// Durability::kAfterCrash: a power loss may repeat a notification, which the
// recipient knows by its match or case id). All SQLite work runs on the
// region's thread (blocking_work.hpp), never on the I/O threads. After a SIGKILL the next
// start finds the undelivered notifications in the store and the held
// records in the outbox. Runs until stop(); woken early by wake(); waits at
// most `poll`. The coroutine and wake() share one strand: the timer is never
// touched by two threads at once. Each round ends with the Courier's
// (courier.hpp), when there is one.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "audit/audit_log.hpp"
#include "gateway/courier.hpp"
#include "gateway/forwarder.hpp"
#include "gateway/held_records.hpp"
#include "gateway/policy_holder.hpp"
#include "region/case_store.hpp"
#include "region/record_outbox.hpp"
#include "region/signal_service.hpp"
#include "region/signal_store.hpp"

namespace schakel::gateway {

struct NotifierParts {
  const PolicyHolder& policy;
  region::SignalStore& store;
  region::CaseStore& cases;
  region::RecordOutbox& outbox;
  const region::SignalService& service;
  audit::AuditLog& audit;
  Forwarder& forwarder;
  boost::asio::any_io_executor region_thread;  // where the SQLite work runs
  Courier* courier = nullptr;  // queued messages (issue 15), delivered in the same rounds
  std::chrono::milliseconds poll{1000};
  std::function<std::int64_t()> now_unix = {};  // seconds; the system clock unless set
};

class Notifier {
 public:
  Notifier(boost::asio::any_io_executor executor, NotifierParts parts);
  void start();
  void wake();
  void stop();

 private:
  boost::asio::awaitable<void> run();
  boost::asio::awaitable<void> prune_history();
  boost::asio::awaitable<void> replay_held();
  boost::asio::awaitable<void> deliver_due();
  boost::asio::awaitable<bool> still_active(const region::Notification& notification);
  boost::asio::awaitable<std::expected<DeliveryOutcome, Problem>> attempt(
      const region::Notification& notification, const policy::Partner& recipient,
      const std::string& transaction_id);
  boost::asio::awaitable<void> commit(const std::function<std::optional<HeldRecords>()>& change,
                                      bool after_crash = false);
  template <typename Work>
  boost::asio::awaitable<std::invoke_result_t<Work&>> stored(Work work);

  NotifierParts parts_;
  boost::asio::steady_timer timer_;
  std::atomic<bool> stopped_{false};
  std::int64_t last_prune_unix_ = 0;  // only the run() coroutine touches it
};

}  // namespace schakel::gateway
