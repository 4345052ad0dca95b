#include "gateway/reidentify_route.hpp"

#include <memory>

#include "gateway/audited_answer.hpp"
#include "region/request_body.hpp"

namespace schakel::gateway {
namespace {

using json = nlohmann::json;

struct Route {
  Route(ReidentifyRouteParts given, RateLimit limit) : parts(std::move(given)), limiter(limit) {}
  ReidentifyRouteParts parts;
  RateLimiter limiter;  // per partner (OIN)
};

Answer refused(Answer answer, Problem problem) {
  answer.outcome = "refused";
  answer.refused = std::move(problem);
  return answer;
}

std::expected<Answer, Problem> reidentify(Route& route, const policy::Policy& policy,
                                          const policy::Partner& caller, const Request& request,
                                          const std::string& transaction_id) {
  auto body = region::parse_body(request.body);
  if (!body) return std::unexpected(body.error());
  if (auto extra = region::only_members(*body, {"pseudonym", "purpose"})) {
    return std::unexpected(*extra);
  }
  const std::string* pseudonym = region::string_member(*body, "pseudonym");
  const std::string* purpose_id = region::string_member(*body, "purpose");
  if (!pseudonym || !purpose_id) {
    return std::unexpected(
        region::malformed_body("give {\"pseudonym\": \"...\", \"purpose\": \"...\"}"));
  }
  const crypto::Pseudonymiser& pseudonymiser = route.parts.pseudonymiser;
  auto subject = pseudonymiser.subject_of_pseudonym(*pseudonym, caller.pseudonym_domain);
  if (!subject) {
    return std::unexpected(make_problem(ProblemKind::kUnknownPseudonym,
                                        "pseudonym is not a pseudonym of the caller's domain (" +
                                            std::string(crypto::describe(subject.error())) + ")"));
  }
  Answer answer{"granted"};
  if (auto token = pseudonymiser.audit_token(*subject)) answer.subject_token = *token;
  const policy::Purpose* purpose = policy.enabled_purpose(*purpose_id);
  if (!purpose) {
    return refused(std::move(answer), make_problem(ProblemKind::kPurposeNotPermitted,
                                                   "the purpose is not enabled in this region",
                                                   policy.region_file() + "#/purposes"));
  }
  answer.purpose = purpose->id;
  if (!purpose->reidentifiers.contains(caller.role)) {
    return refused(std::move(answer),
                   make_problem(ProblemKind::kRoleNotPermitted,
                                "the guideline lets no partner of role \"" + caller.role +
                                    "\" re-identify under this purpose",
                                purpose->reidentifiers_rule));
  }
  if (!route.parts.escrow.lasts()) {  // before the rate: nothing to retry for
    return refused(std::move(answer),
                   make_problem(ProblemKind::kReidentificationEnded,
                                "the re-identification key was destroyed; no pseudonym can be "
                                "turned back into a BSN any more",
                                "schakel keys shred --reidentification"));
  }
  if (!route.limiter.try_take(caller.oin)) {
    Problem limited =
        make_problem(ProblemKind::kRateLimited, "too many re-identifications by this partner",
                     "schakel.json#/limits/reidentifications_per_hour");
    limited.retry_after_seconds = static_cast<int>(route.limiter.refill_time().count());
    return refused(std::move(answer), std::move(limited));
  }
  auto bsn = route.parts.escrow.open(pseudonymiser, *subject);
  if (!bsn) return refused(std::move(answer), std::move(bsn.error()));
  answer.body = {
      {"bsn", std::move(*bsn)}, {"purpose", purpose->id}, {"transaction_id", transaction_id}};
  return answer;
}

}  // namespace

std::expected<void, std::string> add_reidentify_route(Router& router, ReidentifyRouteParts given) {
  const double per_hour = static_cast<double>(given.per_hour);
  auto route = std::make_shared<Route>(std::move(given), RateLimit{per_hour / 60.0, per_hour});
  AnswerWork work = [route](const policy::Policy& policy, const policy::Partner& caller,
                            const Request& request, const std::string& transaction_id) {
    return reidentify(*route, policy, caller, request, transaction_id);
  };
  auto handler = [route, work](const PeerIdentity& peer, const Request& request) {
    return audited_answer({route->parts.policy,
                           route->parts.audit,
                           "reidentification",
                           {},
                           route->parts.region_thread,
                           nullptr,
                           {}},
                          peer, request, work);
  };
  return router.add("POST", "/v1/reidentify", handler);
}

}  // namespace schakel::gateway
