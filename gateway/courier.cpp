#include "gateway/courier.hpp"

#include <algorithm>

#include "common/calendar.hpp"
#include "common/log.hpp"
#include "gateway/blocking_work.hpp"
#include "gateway/handovers_route.hpp"
#include "gateway/held_records.hpp"
#include "gateway/message_queueing.hpp"

namespace schakel::gateway {
namespace {

// The record of one queued message's event (kind "delivery"), no content.
audit::AuditRecord record_of(const region::QueuedMessage& message, const std::string& outcome,
                             const std::string& policy_hash) {
  audit::AuditRecord record;
  record.kind = "delivery";
  record.outcome = outcome;
  record.start_time = record.end_time = log::timestamp_utc();
  record.transaction_id = message.transaction_id;
  record.sender = message.sender_oin;
  record.recipient = message.recipient_oin;
  record.purpose = message.purpose;
  record.subject_token = message.subject_token;
  record.decision_sequence = message.decision_sequence;
  record.policy_hash = policy_hash;
  record.details = {{"queued", "respond-async"}};
  return record;
}

}  // namespace

Courier::Courier(CourierParts parts) : parts_(std::move(parts)) {
  if (!parts_.now_unix) parts_.now_unix = calendar::unix_now;
}

boost::asio::awaitable<void> Courier::round() {
  const std::int64_t now = parts_.now_unix();
  co_await expire(now);
  co_await escalate(now);
  auto due = co_await run_store(parts_.region_thread, [&] { return parts_.queue.due(now, 16); });
  if (!due) co_return;
  for (const auto& message : *due) co_await deliver(message, now);
  co_await count_open(now);
}

boost::asio::awaitable<void> Courier::count_open(std::int64_t now) {
  if (!parts_.open_handovers) co_return;
  auto open =
      co_await run_store(parts_.region_thread, [&] { return parts_.queue.open_handovers(); });
  if (!open) co_return;
  auto counted = std::make_shared<OpenHandoversByRecipient>();
  for (const auto& message : *open) {
    auto& entry = (*counted)[message.recipient_oin];
    ++entry.count;
    entry.oldest_seconds = std::max(entry.oldest_seconds, now - message.queued_unix);
  }
  parts_.open_handovers->store(std::move(counted));
}

boost::asio::awaitable<void> Courier::expire(std::int64_t now) {
  const auto policy = parts_.policy.snapshot();
  const std::function<std::optional<HeldRecords>()> change = [&]() -> std::optional<HeldRecords> {
    auto expired = parts_.queue.expire(now);
    if (!expired) {
      log::error("queue.store_failed", {{"error", expired.error()}});
      return std::nullopt;
    }
    HeldRecords records;
    for (const auto& message : *expired) {
      auto record = record_of(message, "expired", policy->hash());
      record.details["attempts"] = std::to_string(message.attempts);
      const std::string key = hold_key_of(message.transaction_id, "expired");
      if (auto owed = parts_.notifications.owe({receipt_for(message, "expired", key)}); !owed) {
        log::error("queue.store_failed", {{"error", owed.error()}});
        return std::nullopt;
      }
      records.emplace_back(key, std::move(record));
    }
    return records;
  };
  (void)co_await commit_with_records(parts_.audit, parts_.outbox, parts_.region_thread, change);
}

boost::asio::awaitable<void> Courier::escalate(std::int64_t now) {
  const auto policy = parts_.policy.snapshot();
  const std::function<std::optional<HeldRecords>()> change = [&]() -> std::optional<HeldRecords> {
    auto overdue = parts_.queue.overdue(now);
    if (!overdue) {
      log::error("queue.store_failed", {{"error", overdue.error()}});
      return std::nullopt;
    }
    HeldRecords records;
    for (const auto& message : *overdue) {
      const std::string key = hold_key_of(message.transaction_id, "escalated");
      const policy::Purpose* purpose = policy->guideline_purpose(message.purpose);
      const nlohmann::json about = {
          {"type", "escalation"},
          {"transaction_id", message.transaction_id},
          {"purpose", message.purpose},
          {"sender", message.sender_oin},
          {"recipient", message.recipient_oin},
          {"delivered", calendar::format_instant(message.delivered_unix)},
          {"accept_by", calendar::format_instant(message.accept_by_unix)}};
      std::vector<region::Notification> owed{receipt_for(message, "escalated", key)};
      for (const auto& partner : policy->partners()) {
        if (purpose && purpose->case_directors.contains(partner.role)) {
          owed.push_back(
              {0, partner.oin, "escalation", about.dump(), "", message.transaction_id, 0, 0, key});
        }
      }
      if (auto done = parts_.notifications.owe(owed); !done) {
        log::error("queue.store_failed", {{"error", done.error()}});
        return std::nullopt;
      }
      auto record = record_of(message, "escalated", policy->hash());
      record.kind = "handover";
      record.details["told"] = std::to_string(owed.size() - 1);
      records.emplace_back(key, std::move(record));
    }
    return records;
  };
  (void)co_await commit_with_records(parts_.audit, parts_.outbox, parts_.region_thread, change);
}

boost::asio::awaitable<void> Courier::deliver(const region::QueuedMessage& message,
                                              std::int64_t now) {
  const auto policy = parts_.policy.snapshot();
  // A partner of this region, or of the one peer region whose gateway takes it.
  const policy::Partner* recipient = policy->recipient_by_oin(message.recipient_oin);
  std::expected<DeliveryOutcome, Problem> outcome = std::unexpected(make_problem(
      ProblemKind::kUnknownRecipient, "the recipient is no longer a partner of this region"));
  if (recipient) {
    auto opened = parts_.cipher.open(message.sealed, message.transaction_id);
    auto payload = opened ? parse_payload(*opened) : std::unexpected(opened.error());
    if (!payload) {
      log::error("queue.unreadable", {{"transaction_id", message.transaction_id}});
      outcome =
          std::unexpected(make_problem(ProblemKind::kInternal, "the queued message does not open"));
    } else {
      Delivery delivery{recipient->endpoint, std::move(payload->headers),
                        std::move(payload->content_type), std::move(payload->body),
                        recipient->endpoint_oin};
      auto sent = parts_.forwarder.deliver(delivery);
      outcome = co_await std::move(sent);
    }
  }
  const bool accepted = outcome && outcome->status >= 200 && outcome->status < 300;
  const int attempt = message.attempts + 1;
  const policy::Purpose* purpose = policy->guideline_purpose(message.purpose);
  const std::int64_t accept_by =
      message.handover && purpose ? now + std::int64_t{purpose->accept_within_hours} * 3600 : 0;
  const std::int64_t backoff = std::min<std::int64_t>(300, std::int64_t{1} << std::min(attempt, 9));
  const std::function<std::optional<HeldRecords>()> change = [&]() -> std::optional<HeldRecords> {
    auto changed = accepted ? parts_.queue.delivered(message.transaction_id, now, accept_by)
                            : parts_.queue.retry_at(message.transaction_id, now + backoff);
    if (!changed) {
      log::error("queue.store_failed", {{"error", changed.error()}});
      return std::nullopt;
    }
    auto record = record_of(message, accepted ? "delivered" : "failed", policy->hash());
    record.recipient_status = outcome ? outcome->status : 0;
    record.problem = accepted  ? std::string()
                     : outcome ? std::string("recipient-rejected")
                               : std::string(outcome.error().name());
    record.details["attempt"] = std::to_string(attempt);
    HeldRecords records;
    records.emplace_back(hold_key_of(message.transaction_id, std::to_string(attempt)),
                         std::move(record));
    return records;
  };
  // Lost in a power loss, an outcome only repeats the delivery, under the same id.
  (void)co_await commit_with_records(parts_.audit, parts_.outbox, parts_.region_thread, change,
                                     true);
}

std::expected<std::int64_t, std::string> Courier::forget_ended(const std::string& purpose,
                                                               std::int64_t ended_before) {
  return parts_.queue.forget_ended(purpose, ended_before);
}

}  // namespace schakel::gateway
