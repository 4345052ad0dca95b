#include "gateway/cases_route.hpp"

#include <memory>

#include "common/log.hpp"
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

// The changes every participant hears of: the level (up or down), a new
// participant (who learns of the case so), the close.
bool tells_participants(const std::string& change) {
  return change == "level" || change == "participant" || change == "closed";
}

// Every participant but the director is owed a notification of the change,
// held by the change's record (`transaction_id`); in the change's transaction.
std::expected<void, Problem> notify_participants(const CaseRouteParts& parts,
                                                 const policy::Policy& policy,
                                                 const region::CaseOutcome& outcome,
                                                 const std::string& transaction_id) {
  const auto& value = outcome.value;
  const auto* director = policy.partner_by_oin(value.director_oin);
  json body = {
      {"type", "case"},
      {"case", value.id},
      {"purpose", value.purpose},
      {"change", outcome.change},
      {"level", value.level},
      {"date", calendar::format_date(parts.today())},
      {"director", {{"oin", value.director_oin}, {"name", director ? director->name : ""}}}};
  if (const auto from = outcome.details.find("from"); from != outcome.details.end()) {
    body["from"] = std::stoi(from->second);
  }
  std::vector<region::Notification> owed;
  for (const auto& participant : value.participants) {
    if (participant.partner_oin == value.director_oin) continue;
    owed.push_back({0, participant.partner_oin, "case", body.dump(), value.subject_index, value.id,
                    0, 0, transaction_id});
  }
  if (auto done = parts.notifications.owe(owed); !done) {
    log::error("cases.notifications_not_stored", {{"error", done.error()}});
    return std::unexpected(
        make_problem(ProblemKind::kAuditUnavailable, "the region's store failed"));
  }
  return {};
}

}  // namespace

std::expected<void, std::string> add_case_routes(Router& router, CaseRouteParts given) {
  auto parts = std::make_shared<CaseRouteParts>(std::move(given));
  // changes: the work runs in the outbox's transaction with its record.
  auto route = [parts](AnswerWork work, bool changes) {
    return
        [parts, work = std::move(work), changes](const PeerIdentity& peer, const Request& request) {
          return audited_answer(
              {parts->policy, parts->audit, "case",
               [parts](const Request& asked) {
                 return parts->service.refusal_context(path_segment(asked.target, 2));
               },
               parts->region_thread, changes ? &parts->outbox : nullptr, parts->wake_notifier},
              peer, request, work);
        };
  };
  auto opened = route(
      [parts](const policy::Policy& policy, const policy::Partner& sender, const Request& request,
              const std::string& transaction_id) -> std::expected<Answer, Problem> {
        auto outcome = parts->service.open(policy, sender, request.body, parts->today(),
                                           region::new_case_id());
        if (!outcome) return std::unexpected(outcome.error());
        if (auto owed = notify_participants(*parts, policy, *outcome, transaction_id); !owed) {
          return std::unexpected(owed.error());
        }
        auto details = outcome->details;
        details["case"] = outcome->value.id;
        return Answer{"opened",
                      201,
                      summary(outcome->value),
                      outcome->value.purpose,
                      outcome->subject_token,
                      details,
                      outcome->value.id,
                      {},
                      true};
      },
      true);
  auto read = route(
      [parts](const policy::Policy& policy, const policy::Partner& sender, const Request& request,
              const std::string&) -> std::expected<Answer, Problem> {
        const std::string id = path_segment(request.target, 2);
        std::string token;
        auto overview = parts->service.overview(policy, sender, id, &token);
        if (!overview) return std::unexpected(overview.error());
        const std::string purpose = (*overview)["purpose"];
        return Answer{"read", 200, std::move(*overview), purpose, token, {{"case", id}}, id};
      },
      false);
  auto changed = route(
      [parts](const policy::Policy& policy, const policy::Partner& sender, const Request& request,
              const std::string& transaction_id) -> std::expected<Answer, Problem> {
        const std::string id = path_segment(request.target, 2);
        auto outcome = parts->service.change(policy, sender, id, path_segment(request.target, 3),
                                             request.body, parts->today());
        if (!outcome) return std::unexpected(outcome.error());
        const bool told = tells_participants(outcome->change);
        if (told) {
          if (auto owed = notify_participants(*parts, policy, *outcome, transaction_id); !owed) {
            return std::unexpected(owed.error());
          }
        }
        auto details = outcome->details;
        details["case"] = id;
        return Answer{outcome->change,
                      200,
                      summary(outcome->value),
                      outcome->value.purpose,
                      outcome->subject_token,
                      details,
                      id,
                      {},
                      told};
      },
      true);
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
