#include "gateway/signals_route.hpp"

#include <memory>

#include "common/log.hpp"
#include "gateway/audit_append.hpp"
#include "gateway/envelope.hpp"

namespace schakel::gateway {
namespace {

namespace asio = boost::asio;
using json = nlohmann::json;

// What one signal request did: its record's outcome and details, the reply.
struct Answer {
  std::string outcome;
  int status = 200;
  json body;
  std::string purpose;
  std::string subject_token;
  std::map<std::string, std::string> details;
};

using Work = std::function<std::expected<Answer, Problem>(const policy::Policy&,
                                                          const policy::Partner&, const Request&)>;

asio::awaitable<Response> answer(const SignalRouteParts& parts, const PeerIdentity& peer,
                                 const Request& request, const Work& work) {
  const auto policy = parts.policy.snapshot();
  auto given = transaction_id_of(request);
  const std::string id = given ? *given : new_transaction_id();
  audit::AuditRecord record;
  record.kind = "signal";
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
  } else {
    record.outcome = "refused";
    record.problem = std::string(done.error().name());
    record.rule = done.error().rule;
  }
  record.end_time = log::timestamp_utc();
  auto appended = append_durably(parts.audit, record);
  if (auto durable = co_await std::move(appended); !durable) {
    co_return problem_response(
        make_problem(ProblemKind::kAuditUnavailable, "the audit record could not be written"), id);
  }
  if (!done) co_return problem_response(done.error(), id);
  Response response{
      done->status, "application/json", {{"Fsc-Transaction-Id", id}}, done->body.dump()};
  co_return response;
}

}  // namespace

std::expected<void, std::string> add_signal_routes(Router& router, SignalRouteParts given) {
  auto parts = std::make_shared<SignalRouteParts>(std::move(given));
  auto route = [parts](Work work) {
    return [parts, work = std::move(work)](const PeerIdentity& peer, const Request& request) {
      return answer(*parts, peer, request, work);
    };
  };
  auto registered = route([parts](const policy::Policy& policy, const policy::Partner& sender,
                                  const Request& request) -> std::expected<Answer, Problem> {
    auto outcome = parts->service.register_signal(policy, sender, request.body, parts->today(),
                                                  new_transaction_id());
    if (!outcome) return std::unexpected(outcome.error());
    const auto& signal = outcome->registration.signal;
    if (!outcome->registration.matches.empty() && parts->wake_notifier) parts->wake_notifier();
    return Answer{outcome->registration.renewed ? "renewed" : "registered",
                  outcome->registration.renewed ? 200 : 201,
                  {{"signal", signal.id},
                   {"active_until", signal.active_until},
                   {"renewed", outcome->registration.renewed},
                   {"matches", outcome->registration.matches.size()}},
                  signal.purpose,
                  outcome->subject_token,
                  {{"signal", signal.id},
                   {"active_until", signal.active_until},
                   {"matches", std::to_string(outcome->registration.matches.size())}}};
  });
  auto withdrawn = route([parts](const policy::Policy&, const policy::Partner& sender,
                                 const Request& request) -> std::expected<Answer, Problem> {
    auto done = parts->service.withdraw(sender, path_segment(request.target, 2), parts->today());
    if (!done) return std::unexpected(done.error());
    return Answer{"withdrawn", 200, {{"withdrawn", true}}, "", "", {}};
  });
  auto answered = route([parts](const policy::Policy& policy, const policy::Partner& sender,
                                const Request& request) -> std::expected<Answer, Problem> {
    auto answer = parts->service.involved(policy, sender, request.body, parts->today());
    if (!answer) return std::unexpected(answer.error());
    const auto count = answer->involved.size();
    return Answer{"answered",
                  200,
                  {{"involved", std::move(answer->involved)}},
                  "",
                  answer->subject_token,
                  {{"involved", std::to_string(count)}}};
  });
  if (auto ok = router.add("POST", "/v1/signals", registered); !ok) return ok;
  if (auto ok = router.add("DELETE", "/v1/signals/{id}", withdrawn); !ok) return ok;
  return router.add("POST", "/v1/signals/query", answered);
}

}  // namespace schakel::gateway
