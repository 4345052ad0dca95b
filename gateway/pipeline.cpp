#include "gateway/pipeline.hpp"

#include "gateway/audit_append.hpp"
#include "gateway/case_binding.hpp"

#include <algorithm>

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/calendar.hpp"
#include "common/log.hpp"
#include "gateway/evaluation.hpp"
#include "gateway/field_actions.hpp"
#include "gateway/prefer.hpp"
#include "policy/field_values.hpp"

namespace schakel::gateway {

namespace asio = boost::asio;

// Per-message state: the policy snapshot it runs under, its ids, and the
// audit record being filled in as the stages learn more.
struct Pipeline::Exchange {
  std::shared_ptr<const policy::Policy> policy;
  std::expected<std::string, Problem> transaction_id;
  std::string reply_transaction_id;
  std::expected<TraceContext, Problem> caller_trace;  // as the sender's headers say
  TraceContext trace;                                 // the caller's, or a new one
  audit::AuditRecord record;
};

struct Pipeline::Sender {
  const policy::Partner* partner = nullptr;
  std::optional<policy::UpstreamActions> upstream;  // from a peer region's gateway
};

struct Pipeline::Prepared {
  policy::Decision decision;
  Envelope envelope;
  std::string content_type;
  std::string body;
  std::optional<crypto::EscrowEntry> escrow;
};

namespace {

void note_envelope(audit::AuditRecord& record, const policy::Policy& policy,
                   const Envelope& envelope) {
  // Only values the policy knows go into the trail: never echo free input.
  if (const auto* recipient = policy.recipient_by_oin(envelope.recipient_oin)) {
    record.recipient = envelope.recipient_oin;
    if (!recipient->peer.empty()) {  // crosses to a peer region
      record.details["peer_region"] = recipient->peer;
      record.details["crossing"] = "out";
    }
  }
  if (policy.guideline_purpose(envelope.purpose)) record.purpose = envelope.purpose;
  record.level = envelope.level.value_or(0);
  record.case_ref = envelope.case_ref;
}

void note_decision(audit::AuditRecord& record, const policy::Decision& decision) {
  record.purpose = decision.purpose->id;
  record.processing_activity_id = decision.purpose->processing_activity_id;
  record.legal_bases = decision.purpose->legal_bases;
  record.level = decision.plan->level;
  // How the subject travelled, for the person's inzage (inzage/report.hpp).
  record.details["subject"] =
      decision.plan->subject == policy::SubjectAction::kBsn ? "bsn" : "pseudonymise";
  // ... and the inzage rule in force now, which no later change of the region undoes.
  policy::record_inzage_rule(decision.purpose->inzage, record.details);
}

void note_fields(audit::AuditRecord& record, const std::vector<policy::FieldAction>& actions) {
  record.fields.reserve(actions.size());
  for (const auto& action : actions) {
    record.fields.push_back({action.field, action.category, action.action, action.rule});
  }
}

// What the evaluation learned, as far as it got, into the decision record.
void note_evaluation(audit::AuditRecord& record, const policy::Policy& policy,
                     const Evaluation& evaluation) {
  if (evaluation.envelope) note_envelope(record, policy, *evaluation.envelope);
  if (evaluation.subject_step) record.details["subject_step"] = *evaluation.subject_step;
  if (evaluation.unmapped_dropped > 0) {  // counted; named only by a schema's element paths
    record.details["unmapped_dropped"] = std::to_string(evaluation.unmapped_dropped);
  }
  if (!evaluation.dropped_elements.empty()) {
    std::string names;
    for (const auto& name : evaluation.dropped_elements) names += (names.empty() ? "" : ",") + name;
    record.details["dropped_elements"] = std::move(names);
  }
  if (evaluation.subject_token) record.subject_token = *evaluation.subject_token;
  if (evaluation.decision) note_decision(record, *evaluation.decision);
  if (!evaluation.transformed) return;
  note_fields(record, evaluation.transformed->actions);
  if (evaluation.transformed->unknown_fields_dropped > 0) {
    record.details["unknown_fields_dropped"] =
        std::to_string(evaluation.transformed->unknown_fields_dropped);
  }
  // How the subject went, which a peer region's pseudonym can make stricter than the plan.
  record.details["subject"] = evaluation.transformed->subject_as_bsn ? "bsn" : "pseudonymise";
  if (evaluation.transformed->redacted) {  // masks per kind ("name:2,date:1"), never what they hid
    record.details["redacted"] = evaluation.transformed->redacted->summary();
  }
}

// Whether the guideline itself passes the BSN at the decision's purpose and
// level: a region's narrowing never turns a pseudonym into a BSN, so only
// then may a peer region's gateway send one.
bool guideline_passes_bsn(const policy::Policy& policy, const policy::Decision& decision) {
  const policy::Purpose* national = policy.guideline_purpose(decision.purpose->id);
  if (!national) return false;
  const auto level = national->levels.find(decision.plan->level);
  return level != national->levels.end() && level->second.subject == policy::SubjectAction::kBsn;
}

HeaderList delivery_headers(const policy::Partner& sender, const policy::Decision& decision,
                            const Envelope& envelope, const std::string& transaction_id,
                            const TraceContext& trace, const std::string& policy_hash,
                            const audit::AuditRecord& record) {
  HeaderList headers{
      {"Schakel-Sender", sender.oin},
      {"Schakel-Purpose", decision.purpose->id},
      {"Schakel-Level", std::to_string(decision.plan->level)},
      {"Fsc-Transaction-Id", transaction_id},
      {"traceparent", trace.traceparent()},
      {"Schakel-Policy", policy_hash},
  };
  if (!envelope.case_ref.empty() && decision.recipient->peer.empty()) {
    headers.emplace_back("Schakel-Case", envelope.case_ref);
  }
  if (!decision.recipient->peer.empty()) {  // to the peer region's gateway, for its partner
    headers.emplace_back("Schakel-Recipient", decision.recipient->oin);
    headers.emplace_back("Schakel-Field-Actions", format_field_actions(record.fields));
  }
  return headers;
}

}  // namespace

Pipeline::Pipeline(const PolicyHolder& policy, const crypto::Pseudonymiser& pseudonymiser,
                   const adapters::CodecRegistry& codecs, audit::AuditLog& audit,
                   Forwarder& forwarder, Metrics& metrics, RateLimit pseudonym_limit,
                   region::CaseStore* cases, MessageQueueing* queueing, Escrow* escrow)
    : policy_(policy),
      pseudonymiser_(pseudonymiser),
      codecs_(codecs),
      audit_(audit),
      forwarder_(forwarder),
      metrics_(metrics),
      pseudonym_limiter_(pseudonym_limit),
      cases_(cases),
      queueing_(queueing),
      escrow_(escrow) {}

Pipeline::Exchange Pipeline::begin(const PeerIdentity& peer, const Request& request) const {
  Exchange exchange{
      policy_.snapshot(), transaction_id_of(request), {}, trace_context_of(request), {}, {}};
  exchange.reply_transaction_id =
      exchange.transaction_id ? *exchange.transaction_id : new_transaction_id();
  exchange.trace = exchange.caller_trace ? *exchange.caller_trace : new_trace_context();
  auto& record = exchange.record;
  record.kind = "decision";
  record.start_time = log::timestamp_utc();
  record.transaction_id = exchange.reply_transaction_id;
  record.trace_id = exchange.trace.trace_id;
  record.span_id = exchange.trace.span_id;
  record.foreign_operation = exchange.trace.caller_traceparent;
  record.sender = recordable_oin(peer);
  record.policy_hash = exchange.policy->hash();
  return exchange;
}

// Stage 1: who sends. A partner of this region by its certificate's OIN; or,
// from a peer region's gateway (its certificate's OIN in "peers"), the
// partner its Schakel-Sender names in that region's directory, with what the
// peer's gateway did to each field. The certificate must be valid now either
// way: a keep-alive connection outlives the handshake.
std::expected<Pipeline::Sender, Problem> Pipeline::identify(Exchange& exchange,
                                                            const PeerIdentity& peer,
                                                            const Request& request,
                                                            Entry entry) const {
  const policy::Policy& policy = *exchange.policy;
  Sender sender;
  if (entry == Entry::kPartner) {
    sender.partner = policy.partner_by_oin(peer.oin);
    if (!sender.partner) {
      return std::unexpected(make_problem(
          ProblemKind::kUnknownPartner,
          "the client certificate's OIN is not a partner of region " + policy.region_name(),
          policy.region_file() + "#/partners"));
    }
  } else {
    const policy::PeerRegion* region = policy.peer_by_gateway_oin(peer.oin);
    if (!region) {
      return std::unexpected(
          make_problem(ProblemKind::kUnknownPartner,
                       "the client certificate's OIN is no peer region's gateway in region " +
                           policy.region_name(),
                       policy.region_file() + "#/peers"));
    }
    exchange.record.details["peer_region"] = region->id;
    exchange.record.details["crossing"] = "in";
    const std::string* named = request.header("Schakel-Sender");
    sender.partner = named ? policy.remote_partner(region->id, *named) : nullptr;
    if (!sender.partner) {
      return std::unexpected(make_problem(ProblemKind::kUnknownPartner,
                                          "Schakel-Sender names no partner that the directory of "
                                          "peer region " +
                                              region->id + " lists",
                                          region->directory_file + "#/partners"));
    }
    exchange.record.sender = sender.partner->oin;
    if (request.header("Schakel-Case")) {  // cases are a region's own
      return std::unexpected(make_problem(ProblemKind::kInvalidHeader,
                                          "Schakel-Case does not cross between regions",
                                          region->rule));
    }
    const std::string* actions = request.header("Schakel-Field-Actions");
    auto upstream = parse_field_actions(actions ? *actions : "", policy, region->rule);
    if (!upstream) return std::unexpected(upstream.error());
    sender.upstream = std::move(*upstream);
  }
  if (!peer.valid_at(std::chrono::system_clock::now())) {
    return std::unexpected(make_problem(
        ProblemKind::kUnknownPartner,
        "the client certificate is outside its validity period; connect with a valid one"));
  }
  return sender;
}

// Stages up to the audit append, on this message only — but not pure: it
// fills the exchange's audit record, takes a token from the partner's
// pseudonym rate limit, and the pseudonymiser may create (and write) this
// month's audit-token key. Identifies the sender, then hands the message to
// the one evaluation the gateway and `policy explain` share.
std::expected<Pipeline::Prepared, Problem> Pipeline::prepare(Exchange& exchange,
                                                             const PeerIdentity& peer,
                                                             const Request& request,
                                                             Entry entry) const {
  const policy::Policy& policy = *exchange.policy;
  // 1. identify sender (the certificate was verified in the handshake)
  auto sender = identify(exchange, peer, request, entry);
  if (!sender) return std::unexpected(sender.error());
  if (!exchange.transaction_id) return std::unexpected(exchange.transaction_id.error());
  if (!exchange.caller_trace) return std::unexpected(exchange.caller_trace.error());
  // 2..7: envelope, decode, subject, decide, transform, encode (evaluation.hpp)
  EvaluationContext context{
      policy, codecs_, pseudonymiser_, calendar::today_utc(),
      [this](const policy::Partner& partner) { return admit_subject(partner); }};
  if (cases_ && entry == Entry::kPartner) {  // cases are the region's own
    context.bind_case = [this, &policy](const policy::Partner& partner, const Envelope& envelope)
        -> std::expected<std::pair<std::optional<int>, std::string>, Problem> {
      auto bound = bind_to_case(*cases_, policy, partner, envelope);
      if (!bound) return std::unexpected(bound.error());
      return std::pair(bound->level, std::move(bound->subject_index));
    };
  }
  const auto escrow_key = escrow_ ? escrow_->key() : nullptr;
  context.escrow_key = escrow_key.get();
  if (sender->upstream) context.upstream = &*sender->upstream;
  auto evaluation = evaluate(context, *sender->partner, request);
  note_evaluation(exchange.record, policy, evaluation);
  if (evaluation.problem) return std::unexpected(std::move(*evaluation.problem));
  // A BSN from a peer's gateway (subject step "pseudonymise": named by BSN) only where the
  // guideline passes it.
  if (entry == Entry::kPeerGateway && evaluation.subject_step == "pseudonymise" &&
      !guideline_passes_bsn(policy, *evaluation.decision)) {
    return std::unexpected(make_problem(
        ProblemKind::kInvalidSubject,
        "between gateways the person is a pseudonym of the pair's transit domain; a BSN "
        "crosses only under a purpose that passes it",
        policy.peer(sender->partner->peer)->rule));
  }
  if (!evaluation.decision->recipient->peer.empty() && !evaluation.envelope->case_ref.empty()) {
    return std::unexpected(
        make_problem(ProblemKind::kInvalidHeader,
                     "Schakel-Case does not cross between regions: a case is its region's own",
                     policy.peer(evaluation.decision->recipient->peer)->rule));
  }
  return Prepared{std::move(*evaluation.decision), std::move(*evaluation.envelope),
                  std::move(evaluation.content_type), std::move(evaluation.body),
                  std::move(evaluation.escrow)};
}

// The per-partner limit on pseudonym operations (each costs a scalar
// multiplication): a partner past it is told when to retry.
std::optional<Problem> Pipeline::admit_subject(const policy::Partner& sender) const {
  if (pseudonym_limiter_.try_take(sender.oin)) return std::nullopt;
  const auto wait = pseudonym_limiter_.refill_time();
  auto problem = make_problem(ProblemKind::kRateLimited,
                              "this partner has used up its pseudonym operations for now; retry "
                              "after " +
                                  std::to_string(wait.count()) + " s",
                              "schakel.json#/limits/pseudonym_ops_per_minute");
  problem.retry_after_seconds = static_cast<int>(wait.count());
  return problem;
}

std::optional<Response> Pipeline::throttle_stranger(const PeerIdentity& peer) {
  const auto policy = policy_.snapshot();
  if (policy->partner_by_oin(peer.oin) || policy->peer_by_gateway_oin(peer.oin) ||
      stranger_limiter_.try_take(peer.oin)) {
    return std::nullopt;
  }
  ++metrics_.strangers_throttled;
  auto problem = make_problem(ProblemKind::kRateLimited,
                              "this certificate belongs to no partner of the region and has had "
                              "its refusals for now");
  problem.retry_after_seconds = static_cast<int>(stranger_limiter_.refill_time().count());
  return problem_response(problem, new_transaction_id());
}

asio::awaitable<Response> Pipeline::handle(const PeerIdentity& peer, const Request& request,
                                           Entry entry) {
  GaugeScope in_flight(metrics_.requests_active);
  Exchange exchange = begin(peer, request);  // a stranger past its rate never got here
  auto prepared = prepare(exchange, peer, request, entry);
  if (!prepared) co_return co_await refuse(exchange, prepared.error());

  // 8. audit the decision; no durable record, no forwarding
  exchange.record.outcome = "allowed";
  exchange.record.end_time = log::timestamp_utc();
  auto sequence = co_await append(exchange.record);
  if (!sequence) {
    ++metrics_.messages_failed;
    co_return problem_response(
        make_problem(ProblemKind::kAuditUnavailable, "the decision could not be recorded durably"),
        exchange.reply_transaction_id);
  }
  // The person's escrow entry, if new, follows its durable record (escrow.hpp).
  if (escrow_ && prepared->escrow) escrow_->keep(std::move(*prepared->escrow));
  // 9. queue (respond-async; the sending region's gateway queues a crossing) or forward
  if (queueing_ && prefers_respond_async(request) && entry == Entry::kPartner) {
    co_return co_await queue(exchange, *prepared, *sequence);
  }
  const policy::Partner& sender = *prepared->decision.sender;
  Delivery delivery{prepared->decision.recipient->endpoint,
                    delivery_headers(sender, prepared->decision, prepared->envelope,
                                     exchange.reply_transaction_id, exchange.trace,
                                     exchange.policy->hash(), exchange.record),
                    prepared->content_type, std::move(prepared->body),
                    prepared->decision.recipient->endpoint_oin};
  auto outcome = co_await forwarder_.deliver(delivery);
  if (outcome && (outcome->status < 200 || outcome->status > 299)) {
    outcome = std::unexpected(
        make_problem(ProblemKind::kRecipientRejected,
                     "the recipient answered HTTP " + std::to_string(outcome->status)));
  }
  // 10. audit the delivery outcome, then reply: the reply says only what the
  // trail durably says (group commit: this costs latency, not throughput).
  const auto delivery_record = delivery_record_of(exchange, *sequence, outcome);
  const auto delivery_sequence = co_await append(delivery_record);
  if (!delivery_sequence) {
    log::error("audit.delivery_record_failed", {{"transaction_id", exchange.reply_transaction_id},
                                                {"error", delivery_sequence.error()}});
  }
  // Per message only at debug: counts are in /metrics, and a log line per
  // message would cost more than some of the stages.
  if (log::enabled(log::Level::kDebug)) {
    log::debug(outcome ? "message.delivered" : "message.failed",
               {{"transaction_id", exchange.reply_transaction_id},
                {"sender", sender.oin},
                {"recipient", prepared->decision.recipient->oin},
                {"purpose", prepared->decision.purpose->id},
                {"audit_sequence", std::to_string(*sequence)},
                {"problem", outcome ? "" : outcome.error().name()}});
  }
  if (!outcome) {
    ++metrics_.messages_failed;
    co_return problem_response(outcome.error(), exchange.reply_transaction_id);
  }
  ++metrics_.messages_delivered;
  nlohmann::json receipt = {{"transaction_id", exchange.reply_transaction_id},
                            {"status", "delivered"},
                            {"recipient_status", outcome->status},
                            {"audit_sequence", *sequence},
                            {"policy", exchange.policy->hash()}};
  // Delivered, but its record failed: the receipt says so instead of a sequence.
  if (delivery_sequence) {
    receipt["delivery_audit_sequence"] = *delivery_sequence;
  } else {
    receipt["delivery_recorded"] = false;
  }
  co_return Response{200,
                     "application/json",
                     {{"Fsc-Transaction-Id", exchange.reply_transaction_id}},
                     receipt.dump()};
}

asio::awaitable<Response> Pipeline::refuse_unread(const PeerIdentity& peer, const Request& head,
                                                  const Problem& problem) {
  GaugeScope in_flight(metrics_.requests_active);
  if (auto throttled = throttle_stranger(peer)) co_return *throttled;
  Exchange exchange = begin(peer, head);
  if (auto envelope = read_envelope(head))
    note_envelope(exchange.record, *exchange.policy, *envelope);
  co_return co_await refuse(exchange, problem);
}

asio::awaitable<Response> Pipeline::refuse(Exchange& exchange, const Problem& refusal) {
  Problem problem = refusal;
  ++metrics_.messages_refused;
  exchange.record.outcome = "refused";
  exchange.record.problem = std::string(problem.name());
  exchange.record.rule = problem.rule;
  exchange.record.end_time = log::timestamp_utc();
  auto sequence = co_await append(exchange.record);
  log::debug("message.refused", {{"transaction_id", exchange.reply_transaction_id},
                                 {"sender", exchange.record.sender},
                                 {"problem", problem.name()},
                                 {"rule", problem.rule}});
  if (!sequence) {
    problem = make_problem(ProblemKind::kAuditUnavailable,
                           "the refusal could not be recorded durably; nothing was forwarded");
  }
  co_return problem_response(problem, exchange.reply_transaction_id);
}

// The message sealed and queued; its record (kind "delivery", outcome queued
// or failed) follows the queueing, and the 202 says only what is durable.
asio::awaitable<Response> Pipeline::queue(Exchange& exchange, Prepared& prepared,
                                          std::uint64_t decision_sequence) {
  const auto& decision = prepared.decision;
  OutgoingMessage message{
      exchange.reply_transaction_id,
      decision.sender->oin,
      decision.recipient->oin,
      decision.purpose,
      exchange.record.subject_token,
      decision_sequence,
      delivery_headers(*decision.sender, decision, prepared.envelope, exchange.reply_transaction_id,
                       exchange.trace, exchange.policy->hash(), exchange.record),
      prepared.content_type,
      std::move(prepared.body),
      decision.purpose->handover && decision.recipient->peer.empty()};
  auto queued = co_await queueing_->enqueue(std::move(message));
  auto record =
      delivery_record_of(exchange, decision_sequence,
                         queued ? std::expected<DeliveryOutcome, Problem>(DeliveryOutcome{})
                                : std::unexpected(queued.error()));
  if (queued) record.outcome = "queued";
  const auto recorded = co_await append(record);
  if (!queued) {
    ++metrics_.messages_failed;
    co_return problem_response(queued.error(), exchange.reply_transaction_id);
  }
  ++metrics_.messages_queued;
  nlohmann::json receipt = {{"transaction_id", exchange.reply_transaction_id},
                            {"status", "queued"},
                            {"handover", queued->handover},
                            {"expires", calendar::format_instant(queued->expires_unix)},
                            {"audit_sequence", decision_sequence},
                            {"policy", exchange.policy->hash()}};
  if (recorded) {
    receipt["queue_audit_sequence"] = *recorded;
  } else {
    receipt["queue_recorded"] = false;
  }
  co_return Response{202,
                     "application/json",
                     {{"Fsc-Transaction-Id", exchange.reply_transaction_id},
                      {"Preference-Applied", "respond-async"},
                      {"Location", "/v1/messages/" + exchange.reply_transaction_id}},
                     receipt.dump()};
}

asio::awaitable<AppendResult> Pipeline::append(const audit::AuditRecord& record) {
  auto appended = append_durably(audit_, record);
  auto result = co_await std::move(appended);
  if (!result) ++metrics_.audit_failures;
  co_return result;
}

audit::AuditRecord Pipeline::delivery_record_of(
    const Exchange& exchange, std::uint64_t decision_sequence,
    const std::expected<DeliveryOutcome, Problem>& outcome) {
  audit::AuditRecord record = exchange.record;
  record.kind = "delivery";
  record.fields.clear();
  record.decision_sequence = decision_sequence;
  record.outcome = outcome ? "delivered" : "failed";
  record.recipient_status = outcome ? outcome->status : 0;
  record.problem = outcome ? "" : std::string(outcome.error().name());
  record.end_time = log::timestamp_utc();
  return record;
}

}  // namespace schakel::gateway
