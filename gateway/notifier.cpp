#include "gateway/notifier.hpp"

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/calendar.hpp"
#include "common/log.hpp"
#include "gateway/audit_append.hpp"
#include "gateway/envelope.hpp"

namespace schakel::gateway {

namespace asio = boost::asio;
using json = nlohmann::json;

namespace {

std::int64_t system_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Notifier::Notifier(asio::any_io_executor executor, NotifierParts parts)
    : parts_(std::move(parts)), timer_(asio::make_strand(executor)) {
  if (!parts_.now_unix) parts_.now_unix = system_now;
}

void Notifier::start() {
  asio::co_spawn(timer_.get_executor(), run(), [](std::exception_ptr failure) {
    if (failure) log::error("notifier.stopped_by_exception");
  });
}

void Notifier::wake() {
  asio::post(timer_.get_executor(), [this] { timer_.cancel(); });
}

void Notifier::stop() {
  stopped_ = true;
  wake();
}

asio::awaitable<void> Notifier::run() {
  while (!stopped_) {
    try {
      co_await prune_history();
      co_await replay_held();
      co_await deliver_due();
    } catch (const std::exception&) {
      log::error("notifier.round_failed");  // the store keeps everything: the next round retries
    }
    if (stopped_) break;
    timer_.expires_after(parts_.poll);
    boost::system::error_code ignored;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
}

// Signals whose end lies more than kSignalHistoryDays back are deleted (the
// store's secure_delete overwrites them), with one audit record of how many.
asio::awaitable<void> Notifier::prune_history() {
  const std::int64_t now = parts_.now_unix();
  if (last_prune_unix_ != 0 && now - last_prune_unix_ < 3600) co_return;  // hourly is enough
  last_prune_unix_ = now;
  const auto today = calendar::date_of(
      std::chrono::system_clock::time_point(std::chrono::seconds(parts_.now_unix())));
  const calendar::Date from(std::chrono::sys_days(today) -
                            std::chrono::days(policy::kSignalHistoryDays));
  audit::AuditRecord record;
  std::size_t removed = 0;
  auto committed = parts_.outbox.in_change([&]() -> std::optional<std::vector<region::HeldRecord>> {
    auto pruned = parts_.store.prune(calendar::format_date(from));
    if (!pruned) {
      log::error("notifier.store_failed", {{"error", pruned.error()}});
      return std::nullopt;
    }
    removed = *pruned;
    if (removed == 0) return std::vector<region::HeldRecord>{};
    record.kind = "signal";
    record.outcome = "pruned";
    record.start_time = record.end_time = log::timestamp_utc();
    record.transaction_id = new_transaction_id();
    record.policy_hash = parts_.policy.snapshot()->hash();
    record.details = {{"removed", std::to_string(removed)},
                      {"ended_before", calendar::format_date(from)}};
    return std::vector<region::HeldRecord>{{record.transaction_id, record.canonical_body()}};
  });
  if (!committed || !*committed || removed == 0) co_return;
  auto appended = append_durably(parts_.audit, record);
  if (auto durable = co_await std::move(appended); !durable) {
    if (auto marked = parts_.outbox.retry_later({record.transaction_id}); !marked) {
      log::error("notifier.store_failed", {{"error", marked.error()}});
    }
    co_return;  // replay_held() tries again
  }
  if (auto settled = parts_.outbox.settle(record.transaction_id); !settled) {
    log::error("notifier.store_failed", {{"error", settled.error()}});
  }
}

// Records of committed changes that the trail refused, or that a restart
// found held (marked "replayed" then: the trail may have one already), are
// appended and settled, oldest first; the first refusal ends the round.
asio::awaitable<void> Notifier::replay_held() {
  auto held = parts_.outbox.to_replay(64);
  if (!held) {
    log::error("notifier.store_failed", {{"error", held.error()}});
    co_return;
  }
  for (const auto& entry : *held) {
    auto record = audit::record_from_body(entry.record);
    if (!record) {  // the outbox's own text: never expected; kept for an operator
      log::error("notifier.held_record_unreadable", {{"error", record.error()}});
      continue;
    }
    if (entry.after_restart) record->details["replayed"] = "after a restart";
    auto appended = append_durably(parts_.audit, *record);
    if (auto durable = co_await std::move(appended); !durable) co_return;  // next round
    if (auto settled = parts_.outbox.settle(entry.hold_key); !settled) {
      log::error("notifier.store_failed", {{"error", settled.error()}});
    }
  }
}

asio::awaitable<void> Notifier::deliver_due() {
  auto due = parts_.store.due_notifications(parts_.now_unix(), 32);
  if (!due) {
    log::error("notifier.store_failed", {{"error", due.error()}});
    co_return;
  }
  const auto policy = parts_.policy.snapshot();
  for (const auto& notification : *due) {
    if (stopped_) co_return;
    const policy::Partner* recipient = policy->partner_by_oin(notification.recipient_oin);
    std::expected<DeliveryOutcome, Problem> outcome = std::unexpected(make_problem(
        ProblemKind::kUnknownRecipient, "the recipient is no longer a partner of this region"));
    const std::string transaction_id = new_transaction_id();
    if (recipient) {
      auto pseudonym = parts_.service.pseudonym_for(notification.subject_index, *recipient);
      if (!pseudonym) {
        outcome = std::unexpected(pseudonym.error());
      } else {
        json body = json::parse(notification.body, nullptr, false);
        if (!body.is_object()) body = json::object();  // the store's own text: never expected
        body["subject"] = {{"pseudonym", *pseudonym}};
        Delivery delivery{
            recipient->endpoint,
            {{"Fsc-Transaction-Id", transaction_id}, {"Schakel-Notification", notification.kind}},
            "application/json",
            body.dump(),
            recipient->endpoint_oin};
        auto sent = parts_.forwarder.deliver(delivery);
        outcome = co_await std::move(sent);
      }
    }
    const bool accepted = outcome && outcome->status >= 200 && outcome->status < 300;
    audit::AuditRecord record;
    record.kind = "notification";
    record.outcome = accepted ? "delivered" : "failed";
    record.start_time = record.end_time = log::timestamp_utc();
    record.transaction_id = transaction_id;
    record.recipient = notification.recipient_oin;
    record.policy_hash = policy->hash();
    record.recipient_status = outcome ? outcome->status : 0;
    record.problem = outcome ? "" : std::string(outcome.error().name());
    record.subject_token = parts_.service.token_of(notification.subject_index).value_or("");
    record.details = {{"notification", notification.kind},
                      {"reference", notification.reference},
                      {"attempt", std::to_string(notification.attempts + 1)}};
    if (!recipient) record.details["given_up"] = "the recipient left the region";
    auto appended = append_durably(parts_.audit, record);
    (void)co_await std::move(appended);
    if (accepted || !recipient) {  // delivered, or to nobody any more: nothing left to retry
      if (auto done = parts_.store.delivered(notification.id); !done) {
        log::error("notifier.store_failed", {{"error", done.error()}});
      }
      continue;
    }
    const std::int64_t backoff =
        std::min<std::int64_t>(300, std::int64_t{1} << std::min(notification.attempts, 9));
    if (auto later = parts_.store.retry_at(notification.id, parts_.now_unix() + backoff); !later) {
      log::error("notifier.store_failed", {{"error", later.error()}});
    }
  }
}

}  // namespace schakel::gateway
