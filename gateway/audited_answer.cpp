#include "gateway/audited_answer.hpp"

#include "common/log.hpp"
#include "gateway/audit_append.hpp"
#include "gateway/blocking_work.hpp"
#include "gateway/envelope.hpp"

namespace schakel::gateway {
namespace {

void describe(audit::AuditRecord& record, const Answer& answer) {
  record.outcome = answer.outcome;
  record.purpose = answer.purpose;
  record.subject_token = answer.subject_token;
  record.details = answer.details;
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

// Runs the work in the outbox's transaction; the records it holds come back
// in `held` (the request's own first).
std::expected<Answer, Problem> change_with_records(
    region::RecordOutbox& outbox, const std::function<std::expected<Answer, Problem>()>& work,
    audit::AuditRecord& record, std::vector<std::pair<std::string, audit::AuditRecord>>& held) {
  std::expected<Answer, Problem> done =
      std::unexpected(make_problem(ProblemKind::kAuditUnavailable, "the change did not run"));
  auto committed = outbox.in_change([&]() -> std::optional<std::vector<region::HeldRecord>> {
    held.clear();
    done = work();
    if (!done) return std::nullopt;
    describe(record, *done);
    held.emplace_back(record.transaction_id, record);
    for (auto& extra : done->also_recorded) held.push_back(std::move(extra));
    std::vector<region::HeldRecord> out;
    for (const auto& [key, value] : held) out.push_back({key, value.canonical_body()});
    return out;
  });
  if (!committed) {
    held.clear();
    log::error("region.store_failed", {{"error", committed.error()}});
    return std::unexpected(
        make_problem(ProblemKind::kAuditUnavailable, "the region's store failed"));
  }
  if (!*committed) held.clear();
  return done;
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
  const policy::Partner* sender = policy->partner_by_oin(peer.oin);
  if (sender) record.sender = sender->oin;
  std::vector<std::pair<std::string, audit::AuditRecord>> held;
  std::expected<Answer, Problem> done = std::unexpected(make_problem(
      ProblemKind::kUnknownPartner, "the certificate's OIN is no partner of this region",
      policy->region_file() + "#/partners"));
  // The work and the records that describe it: SQLite, on the region's thread.
  auto decide = [&] {
    if (!given) {
      done = std::unexpected(given.error());
    } else if (sender && parts.outbox) {
      done = change_with_records(
          *parts.outbox, [&] { return work(*policy, *sender, request, id); }, record, held);
    } else if (sender) {
      done = work(*policy, *sender, request, id);
    }
    if (done && held.empty()) describe(record, *done);
    if (!done) describe_refusal(record, done.error(), parts, request);
    if (held.empty()) held.emplace_back(id, record);
    return true;
  };
  auto decided = run_blocking(parts.region_thread, decide);
  if (!co_await std::move(decided)) {
    co_return problem_response(make_problem(ProblemKind::kInternal, "the request failed"), id);
  }

  std::vector<std::string> written, unwritten;
  for (const auto& [key, value] : held) {
    if (!unwritten.empty()) {  // the trail refused one: the rest wait for the replay too
      unwritten.push_back(key);
      continue;
    }
    auto appended = append_durably(parts.audit, value);
    const bool durable = (co_await std::move(appended)).has_value();
    (durable ? written : unwritten).push_back(key);
  }
  if (parts.outbox && done) {
    auto settle = [&] {
      for (const auto& key : written) {
        if (auto settled = parts.outbox->settle(key); !settled) {
          log::error("region.store_failed", {{"error", settled.error()}});
        }
      }
      if (unwritten.empty()) return true;
      if (auto marked = parts.outbox->retry_later(unwritten); !marked) {
        log::error("region.store_failed", {{"error", marked.error()}});
      }
      return true;
    };
    auto settled = run_blocking(parts.region_thread, settle);
    (void)co_await std::move(settled);  // what stays held is replayed after a restart
  }
  if (parts.after_settled && done && done->owes_notifications) parts.after_settled();
  if (!unwritten.empty() && unwritten.front() == id) {
    const bool kept = parts.outbox && done;
    co_return problem_response(
        make_problem(ProblemKind::kAuditUnavailable,
                     kept ? "the change is made, but its audit record is not yet written: it "
                            "follows when the trail is back"
                          : "the audit record could not be written"),
        id);
  }
  if (!done) co_return problem_response(done.error(), id);
  Response response{
      done->status, "application/json", {{"Fsc-Transaction-Id", id}}, done->body.dump()};
  co_return response;
}

}  // namespace schakel::gateway
