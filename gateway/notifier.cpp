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
#include "gateway/blocking_work.hpp"
#include "gateway/envelope.hpp"
#include "gateway/federation_signals_route.hpp"

namespace schakel::gateway {

namespace asio = boost::asio;
using json = nlohmann::json;

namespace {

std::string days_before(std::int64_t now_unix, int days) {
  const auto today =
      calendar::date_of(std::chrono::system_clock::time_point(std::chrono::seconds(now_unix)));
  return calendar::format_date(
      calendar::Date(std::chrono::sys_days(today) - std::chrono::days(days)));
}

}  // namespace

Notifier::Notifier(asio::any_io_executor executor, NotifierParts parts)
    : parts_(std::move(parts)), timer_(asio::make_strand(executor)) {
  if (!parts_.now_unix) parts_.now_unix = calendar::unix_now;
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
      if (parts_.courier) co_await parts_.courier->round();
    } catch (const std::exception&) {
      log::error("notifier.round_failed");  // the store keeps everything: the next round retries
    }
    if (stopped_) break;
    timer_.expires_after(parts_.poll);
    boost::system::error_code ignored;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
}

// The store's work on the region's thread; its failure (or an exception) logged.
template <typename Work>
asio::awaitable<std::invoke_result_t<Work&>> Notifier::stored(Work work) {
  co_return co_await run_store(parts_.region_thread, std::move(work), "notifier.store_failed");
}

asio::awaitable<void> Notifier::commit(const std::function<std::optional<HeldRecords>()>& change,
                                       bool after_crash) {
  (void)co_await commit_with_records(parts_.audit, parts_.outbox, parts_.region_thread, change,
                                     after_crash);
}

// At most hourly: signals whose history ended (kSignalHistoryDays), closed
// cases and ended queued messages (issue 15) past their purpose's retention
// and the answers remembered for repeats (kAnswerKeptSeconds) are deleted
// (secure_delete shreds them), each deletion with its record held in the
// same transaction.
asio::awaitable<void> Notifier::prune_history() {
  const std::int64_t now = parts_.now_unix();
  if (last_prune_unix_ != 0 && now - last_prune_unix_ < 3600) co_return;  // hourly is enough
  last_prune_unix_ = now;
  const auto policy = parts_.policy.snapshot();
  auto pruned = [&](const std::string& kind, std::size_t removed, std::string ended_before,
                    std::string purpose) {
    audit::AuditRecord record;
    record.kind = kind;
    record.outcome = "pruned";
    record.start_time = record.end_time = log::timestamp_utc();
    record.transaction_id = new_transaction_id();
    record.policy_hash = policy->hash();
    record.purpose = std::move(purpose);
    record.details = {{"removed", std::to_string(removed)},
                      {"ended_before", std::move(ended_before)}};
    return HeldRecords{{record.transaction_id, std::move(record)}};
  };
  const std::string history_from = days_before(now, policy::kSignalHistoryDays);
  const std::function<std::optional<HeldRecords>()> signals = [&]() -> std::optional<HeldRecords> {
    auto removed = parts_.store.prune(history_from);
    if (!removed) {
      log::error("notifier.store_failed", {{"error", removed.error()}});
      return std::nullopt;
    }
    if (*removed == 0) return HeldRecords{};
    return pruned("signal", *removed, history_from, "");
  };
  co_await commit(signals);
  for (const auto& [id, purpose] : policy->guideline_purposes()) {
    const std::string closed_before = days_before(now, purpose.retention_days);
    const std::function<std::optional<HeldRecords>()> cases =
        [&, id = id]() -> std::optional<HeldRecords> {
      auto removed = parts_.cases.prune_closed(id, closed_before);
      if (!removed) {
        log::error("notifier.store_failed", {{"error", removed.error()}});
        return std::nullopt;
      }
      if (*removed == 0) return HeldRecords{};
      return pruned("case", *removed, closed_before, id);
    };
    co_await commit(cases);
    if (!parts_.courier) continue;
    const std::int64_t ended_before = now - std::int64_t{purpose.retention_days} * 86'400;
    const std::function<std::optional<HeldRecords>()> queue =
        [&, id = id]() -> std::optional<HeldRecords> {
      auto removed = parts_.courier->forget_ended(id, ended_before);
      if (!removed) {
        log::error("notifier.store_failed", {{"error", removed.error()}});
        return std::nullopt;
      }
      if (*removed == 0) return HeldRecords{};
      return pruned("queue", static_cast<std::size_t>(*removed),
                    calendar::format_instant(ended_before), id);
    };
    co_await commit(queue);
  }
  (void)co_await stored(
      [&] { return parts_.outbox.forget_answers(now - region::kAnswerKeptSeconds); });
}

// Records of committed changes that the trail refused earlier, that their
// request could not settle, or that a restart found held (marked "replayed":
// the trail may have one already) are appended and settled, oldest first;
// the first refusal ends the round. One that does not read back is set aside.
asio::awaitable<void> Notifier::replay_held() {
  const std::int64_t now = parts_.now_unix();
  auto held = co_await stored([&] { return parts_.outbox.to_replay(now, 64); });
  if (!held) co_return;
  HeldRecords records;
  for (const auto& entry : *held) {
    auto record = audit::record_from_body(entry.record);
    if (!record) {  // the outbox's own text: never expected; kept for an operator
      log::error("notifier.held_record_unreadable", {{"error", record.error()}});
      (void)co_await stored([&] { return parts_.outbox.quarantine(entry.hold_key); });
      continue;
    }
    record->details["replayed"] = entry.after_restart ? "after a restart" : "after a delay";
    records.emplace_back(entry.hold_key, std::move(*record));
  }
  if (records.empty()) co_return;
  auto appended = append_held(parts_.audit, parts_.outbox, parts_.region_thread, records);
  (void)co_await std::move(appended);
}

namespace {

// Where a notification goes: a partner of this region; for "peer-signal" the
// peer region's gateway (its OIN the recipient), for "peer-match" the peer's
// partner through its gateway ("via" in the body names the peer); each with
// the federation path and the person in the pair's transit domain.
std::optional<policy::Partner> addressee_of(const policy::Policy& policy,
                                            const region::Notification& notification) {
  if (notification.kind == "peer-signal") {
    const policy::PeerRegion* peer = policy.peer_by_gateway_oin(notification.recipient_oin);
    const auto body = json::parse(notification.body, nullptr, false);
    const auto purpose = body.is_object() ? body.value("purpose", std::string()) : std::string();
    // Asked when the signal was new; sent only while the purpose still crosses both ways.
    if (!peer || !region::signals_cross(policy, peer->id, purpose)) return std::nullopt;
    policy::Partner gateway;
    gateway.id = peer->id;
    gateway.oin = peer->gateway_oin;
    gateway.endpoint = peer->endpoint;
    gateway.endpoint.target = std::string(kFederationSignalsPath);
    gateway.endpoint_oin = peer->endpoint_oin;
    gateway.pseudonym_domain = peer->transit_domain;
    gateway.peer = peer->id;
    return gateway;
  }
  if (notification.kind == "peer-match") {
    const auto body = json::parse(notification.body, nullptr, false);
    const auto via = body.is_object() ? body.value("via", std::string()) : std::string();
    const policy::Partner* remote = policy.remote_partner(via, notification.recipient_oin);
    if (!remote) return std::nullopt;
    policy::Partner partner = *remote;
    partner.endpoint.target = std::string(kFederationNotificationsPath);
    return partner;
  }
  const policy::Partner* local = policy.partner_by_oin(notification.recipient_oin);
  return local ? std::optional<policy::Partner>(*local) : std::nullopt;
}

}  // namespace

// One attempt: the notification's body with the person named in the
// recipient's own domain (none when the notification names no person).
asio::awaitable<std::expected<DeliveryOutcome, Problem>> Notifier::attempt(
    const region::Notification& notification, const policy::Partner& recipient,
    const std::string& transaction_id) {
  json body = json::parse(notification.body, nullptr, false);
  if (!body.is_object()) body = json::object();  // the store's own text: never expected
  body.erase("via");                             // the Notifier's own routing, not sent
  if (!notification.subject_index.empty()) {
    auto pseudonym = parts_.service.pseudonym_for(notification.subject_index, recipient);
    if (!pseudonym) co_return std::unexpected(pseudonym.error());
    body["subject"] = {{"pseudonym", *pseudonym}};
  }
  Delivery delivery{
      recipient.endpoint,
      {{"Fsc-Transaction-Id", transaction_id}, {"Schakel-Notification", notification.kind}},
      "application/json",
      body.dump(),
      recipient.endpoint_oin};
  if (notification.kind == "peer-match") {
    delivery.headers.emplace_back("Schakel-Recipient", recipient.oin);
  }
  auto sent = parts_.forwarder.deliver(delivery);
  co_return co_await std::move(sent);
}

// Whether the signal a "peer-signal" asks about is still active (not withdrawn, not ended).
asio::awaitable<bool> Notifier::still_active(const region::Notification& notification) {
  auto signal = co_await stored([&] { return parts_.store.signal_by_id(notification.reference); });
  const std::string today = days_before(parts_.now_unix(), 0);
  co_return signal&&* signal && !(*signal)->withdrawn_on && (*signal)->active_until >= today;
}

// Each attempt's outcome — the notification gone, or due again after
// min(2^attempts, 300) s — commits together with the attempt's record.
asio::awaitable<void> Notifier::deliver_due() {
  const std::int64_t now = parts_.now_unix();
  auto due = co_await stored([&] { return parts_.store.due_notifications(now, 32); });
  if (!due) co_return;
  const auto policy = parts_.policy.snapshot();
  for (const auto& notification : *due) {
    if (stopped_) co_return;
    auto recipient = addressee_of(*policy, notification);
    if (recipient && notification.kind == "peer-signal" && !co_await still_active(notification)) {
      recipient.reset();  // withdrawn or ended since: the peer is not asked any more
    }
    const std::string transaction_id = new_transaction_id();
    std::expected<DeliveryOutcome, Problem> outcome = std::unexpected(make_problem(
        ProblemKind::kUnknownRecipient, "the recipient is no longer a partner of this region"));
    if (recipient) outcome = co_await attempt(notification, *recipient, transaction_id);
    const bool accepted = outcome && outcome->status >= 200 && outcome->status < 300;
    // A peer region's gateway that refuses (its rules) will refuse again: given up.
    const bool refused_by_peer = recipient && !recipient->peer.empty() && outcome &&
                                 outcome->status >= 400 && outcome->status < 500 &&
                                 outcome->status != 429;
    audit::AuditRecord record;
    record.kind = "notification";
    record.outcome = accepted ? "delivered" : "failed";
    record.start_time = record.end_time = log::timestamp_utc();
    record.transaction_id = transaction_id;
    record.recipient = notification.recipient_oin;
    record.policy_hash = policy->hash();
    record.recipient_status = outcome ? outcome->status : 0;
    record.problem = outcome ? "" : std::string(outcome.error().name());
    if (!notification.subject_index.empty()) {
      record.subject_token = parts_.service.token_of(notification.subject_index).value_or("");
    }
    record.details = {{"notification", notification.kind},
                      {"reference", notification.reference},
                      {"attempt", std::to_string(notification.attempts + 1)}};
    if (!recipient) {
      record.details["given_up"] = notification.kind == "peer-signal"
                                       ? "the signal ended, or its purpose no longer crosses"
                                       : "the recipient left the region";
    }
    if (refused_by_peer) record.details["given_up"] = "the peer region's gateway refused it";
    if (recipient && !recipient->peer.empty()) record.details["peer_region"] = recipient->peer;
    const bool finished = accepted || !recipient || refused_by_peer;  // nothing left to retry
    const std::int64_t backoff =
        std::min<std::int64_t>(300, std::int64_t{1} << std::min(notification.attempts, 9));
    const std::function<std::optional<HeldRecords>()> change = [&]() -> std::optional<HeldRecords> {
      auto changed = finished ? parts_.store.delivered(notification.id)
                              : parts_.store.retry_at(notification.id, now + backoff);
      if (!changed) {
        log::error("notifier.store_failed", {{"error", changed.error()}});
        return std::nullopt;
      }
      HeldRecords records;
      records.emplace_back(transaction_id, record);
      return records;
    };
    co_await commit(change, true);  // lost in a power loss: delivered again, deduped by its id
  }
}

}  // namespace schakel::gateway
