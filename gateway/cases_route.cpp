#include "gateway/cases_route.hpp"

#include <memory>

#include "gateway/audited_answer.hpp"

namespace schakel::gateway {
namespace {

using json = nlohmann::json;

json summary(const region::Case& value) {
  return {{"case", value.id},
          {"level", value.level},
          {"purpose", value.purpose},
          {"participants", value.participants.size()},
          {"closed", value.closed_on ? json(*value.closed_on) : json(nullptr)}};
}

}  // namespace

std::expected<void, std::string> add_case_routes(Router& router, CaseRouteParts given) {
  auto parts = std::make_shared<CaseRouteParts>(std::move(given));
  auto route = [parts](AnswerWork work) {
    return [parts, work = std::move(work)](const PeerIdentity& peer, const Request& request) {
      return audited_answer({parts->policy, parts->audit, "case"}, peer, request, work);
    };
  };
  auto opened = route([parts](const policy::Policy& policy, const policy::Partner& sender,
                              const Request& request) -> std::expected<Answer, Problem> {
    auto outcome =
        parts->service.open(policy, sender, request.body, parts->today(), region::new_case_id());
    if (!outcome) return std::unexpected(outcome.error());
    auto details = outcome->details;
    details["case"] = outcome->value.id;
    return Answer{"opened",
                  201,
                  summary(outcome->value),
                  outcome->value.purpose,
                  outcome->subject_token,
                  details,
                  outcome->value.id};
  });
  auto read = route([parts](const policy::Policy& policy, const policy::Partner& sender,
                            const Request& request) -> std::expected<Answer, Problem> {
    const std::string id = path_segment(request.target, 2);
    std::string token;
    auto overview = parts->service.overview(policy, sender, id, &token);
    if (!overview) return std::unexpected(overview.error());
    const std::string purpose = (*overview)["purpose"];
    return Answer{"read", 200, std::move(*overview), purpose, token, {{"case", id}}, id};
  });
  auto changed = route([parts](const policy::Policy& policy, const policy::Partner& sender,
                               const Request& request) -> std::expected<Answer, Problem> {
    const std::string id = path_segment(request.target, 2);
    auto outcome = parts->service.change(policy, sender, id, path_segment(request.target, 3),
                                         request.body, parts->today());
    if (!outcome) return std::unexpected(outcome.error());
    auto details = outcome->details;
    details["case"] = id;
    return Answer{outcome->change,
                  200,
                  summary(outcome->value),
                  outcome->value.purpose,
                  outcome->subject_token,
                  details,
                  id};
  });
  if (auto ok = router.add("POST", "/v1/cases", opened); !ok) return ok;
  if (auto ok = router.add("GET", "/v1/cases/{id}", read); !ok) return ok;
  for (const char* what : {"level", "participants", "actions", "decisions", "close"}) {
    if (auto ok = router.add("POST", std::string("/v1/cases/{id}/") + what, changed); !ok) {
      return ok;
    }
  }
  return {};
}

}  // namespace schakel::gateway
