#include "gateway/audited_answer.hpp"

#include "common/log.hpp"
#include "gateway/audit_append.hpp"
#include "gateway/envelope.hpp"

namespace schakel::gateway {

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
  std::expected<Answer, Problem> done =
      !given   ? std::unexpected(given.error())
      : sender ? work(*policy, *sender, request)
               : std::unexpected(make_problem(ProblemKind::kUnknownPartner,
                                              "the certificate's OIN is no partner of this region",
                                              policy->region_file() + "#/partners"));
  if (sender) record.sender = sender->oin;
  if (done) {
    record.outcome = done->outcome;
    record.purpose = done->purpose;
    record.subject_token = done->subject_token;
    record.details = done->details;
    record.case_ref = done->case_ref;
  } else {
    record.outcome = "refused";
    record.problem = std::string(done.error().name());
    record.rule = done.error().rule;
    if (parts.refusal_context) {
      if (auto context = parts.refusal_context(request)) {
        record.case_ref = context->first;
        record.subject_token = context->second;
      }
    }
  }
  record.end_time = log::timestamp_utc();
  auto appended = append_durably(parts.audit, record);
  if (auto durable = co_await std::move(appended); !durable) {
    co_return problem_response(
        make_problem(ProblemKind::kAuditUnavailable, "the audit record could not be written"), id);
  }
  if (!done) co_return problem_response(done.error(), id);
  if (done->after_record) done->after_record();
  Response response{
      done->status, "application/json", {{"Fsc-Transaction-Id", id}}, done->body.dump()};
  co_return response;
}

}  // namespace schakel::gateway
