#include "gateway/audited_answer.hpp"

#include <chrono>
#include <ctime>

#include <boost/algorithm/string/predicate.hpp>
#include <boost/algorithm/string/trim.hpp>

#include "common/log.hpp"
#include "gateway/audit_append.hpp"
#include "gateway/blocking_work.hpp"
#include "gateway/envelope.hpp"
#include "gateway/query_string.hpp"

namespace schakel::gateway {
namespace {

void describe(audit::AuditRecord& record, const Answer& answer, const policy::Policy& policy) {
  record.outcome = answer.refused ? std::string("refused") : answer.outcome;
  if (answer.refused) {
    record.problem = std::string(answer.refused->name());
    record.rule = answer.refused->rule;
  }
  record.purpose = answer.purpose;
  if (const policy::Purpose* purpose = policy.guideline_purpose(answer.purpose)) {
    record.processing_activity_id = purpose->processing_activity_id;
    record.legal_bases = purpose->legal_bases;
  }
  record.subject_token = answer.subject_token;
  for (const auto& [key, value] : answer.details) record.details[key] = value;
  record.case_ref = answer.case_ref;
  record.end_time = log::timestamp_utc();
}

void describe_refusal(audit::AuditRecord& record, const Problem& problem, const AnswerParts& parts,
                      const Request& request) {
  record.outcome = "refused";
  record.problem = std::string(problem.name());
  record.rule = problem.rule;
  if (parts.refusal_context) {
    if (auto context = parts.refusal_context(request)) {
      record.case_ref = context->first;
      record.subject_token = context->second;
    }
  }
  record.end_time = log::timestamp_utc();
}

// A request with a body says it is JSON (parameters such as charset aside).
std::optional<Problem> refused_media_type(const Request& request) {
  if (request.body.empty()) return std::nullopt;
  const std::string* type = request.header("Content-Type");
  const std::string media =
      type ? boost::algorithm::trim_copy(type->substr(0, type->find(';'))) : std::string();
  if (boost::algorithm::iequals(media, "application/json")) return std::nullopt;
  return make_problem(ProblemKind::kUnsupportedMediaType,
                      "the region's endpoints take Content-Type: application/json");
}

std::string request_line(const Request& request) {
  return request.method + " " + std::string(path_of(request.target));
}

// What the request's work did, decided on the region's thread.
struct Decided {
  std::expected<Answer, Problem> done;
  HeldRecords held;                               // the records to append, the request's first
  std::optional<region::RememberedAnswer> again;  // a repeat: the answer given before
};

// The work in the outbox's transaction, with its records and its answer.
void change_with_records(region::RecordOutbox& outbox, const AnswerWork& work,
                         const policy::Policy& policy, const policy::Partner& sender,
                         const Request& request, audit::AuditRecord& record, Decided& decided) {
  auto committed = outbox.in_change([&]() -> std::optional<std::vector<region::HeldRecord>> {
    decided.held.clear();
    decided.done = work(policy, sender, request, record.transaction_id);
    if (!decided.done) return std::nullopt;
    describe(record, *decided.done, policy);
    decided.held.emplace_back(record.transaction_id, record);
    for (auto& extra : decided.done->also_recorded) decided.held.push_back(std::move(extra));
    auto remembered = outbox.remember({record.transaction_id, sender.oin, request_line(request),
                                       decided.done->status, decided.done->body.dump(),
                                       static_cast<std::int64_t>(std::time(nullptr))});
    if (!remembered) {
      log::error("region.store_failed", {{"error", remembered.error()}});
      decided.done = std::unexpected(
          make_problem(ProblemKind::kAuditUnavailable, "the region's store failed"));
      return std::nullopt;
    }
    return to_hold(decided.held);
  });
  if (!committed) {
    log::error("region.store_failed", {{"error", committed.error()}});
    decided.done =
        std::unexpected(make_problem(ProblemKind::kAuditUnavailable, "the region's store failed"));
  }
  if (!committed || !*committed) decided.held.clear();
}

// A repeat of a change's request (the same transaction id): the same sender
// and request get the answer given before — or record-pending while its
// record is still held; anything else under that id is refused.
std::optional<std::expected<region::RememberedAnswer, Problem>> repeat_of(
    region::RecordOutbox& outbox, const policy::Partner& sender, const Request& request,
    const std::string& id) {
  auto recalled = outbox.recall(id);
  if (!recalled) {
    log::error("region.store_failed", {{"error", recalled.error()}});
    return std::unexpected(
        make_problem(ProblemKind::kAuditUnavailable, "the region's store failed"));
  }
  if (!*recalled) return std::nullopt;
  if ((*recalled)->sender_oin != sender.oin || (*recalled)->request != request_line(request)) {
    return std::unexpected(make_problem(
        ProblemKind::kDuplicateTransaction,
        "this Fsc-Transaction-Id answered another request; a new request takes a new id"));
  }
  auto held = outbox.holds(id);
  if (!held || *held) {
    return std::unexpected(make_problem(ProblemKind::kRecordPending,
                                        "the change is made, but its audit record is not yet "
                                        "written; ask again with this Fsc-Transaction-Id later"));
  }
  return **recalled;
}

Response answer_of(int status, std::string body, const std::string& id, bool repeated) {
  Response response{status,
                    "application/json",
                    {{"Fsc-Transaction-Id", id}, {"Cache-Control", "no-store"}},
                    std::move(body)};
  if (repeated) response.headers.emplace_back("Schakel-Repeated", "true");
  return response;
}

}  // namespace

boost::asio::awaitable<Response> audited_answer(AnswerParts parts, const PeerIdentity& peer,
                                                const Request& request, AnswerWork work) {
  const auto policy = parts.policy.snapshot();
  auto given = transaction_id_of(request);
  const std::string id = given ? *given : new_transaction_id();
  audit::AuditRecord record;
  record.kind = parts.kind;
  record.start_time = log::timestamp_utc();
  record.transaction_id = id;
  record.policy_hash = policy->hash();
  const policy::Partner* partner =
      parts.identify ? parts.identify(*policy, peer, request) : policy->partner_by_oin(peer.oin);
  record.sender = partner ? partner->oin : recordable_oin(peer);
  // A peer region's gateway speaking for its partner: the record names the gateway too.
  if (parts.identify) record.details["peer_gateway"] = recordable_oin(peer);
  // ... and its certificate valid now: a keep-alive connection outlives the handshake.
  const bool valid_now = peer.valid_at(std::chrono::system_clock::now());
  const policy::Partner* sender = valid_now ? partner : nullptr;
  Decided decided{
      std::unexpected(
          partner && !valid_now
              ? make_problem(ProblemKind::kUnknownPartner,
                             "the client certificate is outside its validity period; connect "
                             "with a valid one")
              : make_problem(ProblemKind::kUnknownPartner,
                             parts.identify
                                 ? "the certificate's OIN is no peer region's gateway, or it "
                                   "speaks for no partner its directory lists"
                                 : "the certificate's OIN is no partner of this region",
                             policy->region_file() + (parts.identify ? "#/peers" : "#/partners"))),
      {},
      std::nullopt};
  // The work and the records that describe it: SQLite, on the region's thread.
  auto decide = [&] {
    if (!given) {
      decided.done = std::unexpected(given.error());
    } else if (auto media = refused_media_type(request); media && sender) {
      decided.done = std::unexpected(*media);
    } else if (sender && parts.outbox) {
      auto repeat = repeat_of(*parts.outbox, *sender, request, id);
      if (repeat && *repeat) {
        decided.again = **repeat;
        decided.done = Answer{"repeated", (*repeat)->status};
      } else if (repeat) {
        decided.done = std::unexpected(repeat->error());
      } else {
        change_with_records(*parts.outbox, work, *policy, *sender, request, record, decided);
      }
    } else if (sender) {
      decided.done = work(*policy, *sender, request, id);
    }
    if (decided.done && decided.held.empty()) describe(record, *decided.done, *policy);
    if (!decided.done) describe_refusal(record, decided.done.error(), parts, request);
    if (decided.held.empty()) decided.held.emplace_back(id, record);
    return true;
  };
  auto ran = run_blocking(parts.region_thread, decide);
  if (!co_await std::move(ran)) {
    co_return problem_response(make_problem(ProblemKind::kInternal, "the request failed"), id);
  }
  const bool held_in_outbox = parts.outbox && decided.done && !decided.again;
  std::vector<std::string> unwritten;
  if (held_in_outbox) {
    auto appended = append_held(parts.audit, *parts.outbox, parts.region_thread, decided.held);
    unwritten = co_await std::move(appended);
  } else {
    auto appended = append_durably(parts.audit, decided.held.front().second);
    if (!(co_await std::move(appended)).has_value()) unwritten.push_back(id);
  }
  const auto& done = decided.done;
  if (parts.after_settled && held_in_outbox && done->owes_notifications) parts.after_settled();
  if (!unwritten.empty() && unwritten.front() == id) {
    co_return problem_response(
        held_in_outbox
            ? make_problem(ProblemKind::kRecordPending,
                           "the change is made, but its audit record is not yet written; ask "
                           "again with this Fsc-Transaction-Id later for its answer")
            : make_problem(ProblemKind::kAuditUnavailable, "the audit record could not be written"),
        id);
  }
  if (!done) co_return problem_response(done.error(), id);
  if (done->refused) co_return problem_response(*done->refused, id);
  if (decided.again) co_return answer_of(decided.again->status, decided.again->body, id, true);
  co_return answer_of(done->status, done->body.dump(), id, false);
}

}  // namespace schakel::gateway
