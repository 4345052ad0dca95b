#include "gateway/inzage_route.hpp"

#include <algorithm>
#include <ctime>
#include <memory>
#include <vector>

#include "audit/query.hpp"
#include "gateway/audited_answer.hpp"
#include "gateway/state.hpp"
#include "inzage/report.hpp"
#include "inzage/visibility.hpp"
#include "policy/bsn.hpp"
#include "region/request_body.hpp"

namespace schakel::gateway {
namespace {

using json = nlohmann::json;

// The records `filter` selects, from the trail the settings name.
std::expected<std::vector<audit::QueriedRecord>, Problem> read_trail(
    const InzageRouteParts& parts, const audit::QueryFilter& filter) {
  auto trail = open_trail_source(parts.settings);
  auto records = trail ? audit::query_records(**trail, filter)
                       : std::expected<std::vector<audit::QueriedRecord>, std::string>(
                             std::unexpected(trail.error()));
  if (!records) {
    return std::unexpected(
        make_problem(ProblemKind::kAuditUnavailable, "the trail cannot be read"));
  }
  return std::move(*records);
}

Answer refused(Answer answer, Problem problem) {
  answer.outcome = "refused";
  answer.refused = std::move(problem);
  return answer;
}

std::expected<Answer, Problem> answer_inzage(const InzageRouteParts& parts,
                                             const policy::Policy& policy,
                                             const policy::Partner& caller,
                                             const Request& request) {
  if (caller.role != kInzagePortalRole) {
    return refused(Answer{"answered"},
                   make_problem(ProblemKind::kRoleNotPermitted,
                                "only the region's inzage portal (role \"inzage_portal\") asks "
                                "for a person's inzage",
                                policy.region_file() + "#/partners"));
  }
  auto body = region::parse_body(request.body);
  if (!body) return std::unexpected(body.error());
  if (auto extra = region::only_members(*body, {"bsn"})) return std::unexpected(*extra);
  const std::string* bsn = region::string_member(*body, "bsn");
  if (!bsn) return std::unexpected(region::malformed_body("give {\"bsn\": \"...\"}"));
  if (!policy::is_valid_bsn(*bsn)) {
    return std::unexpected(
        make_problem(ProblemKind::kInvalidSubject, "bsn is not a BSN (9 digits, 11-check)"));
  }
  audit::QueryFilter filter;
  filter.subject_tokens =
      parts.pseudonymiser.audit_tokens(parts.pseudonymiser.subject_of_bsn(*bsn));
  Answer answer{"answered"};
  if (!filter.subject_tokens->empty()) answer.subject_token = filter.subject_tokens->back();
  auto records = read_trail(parts, filter);
  if (!records) return std::unexpected(records.error());
  const std::int64_t now =
      parts.settings.clock ? parts.settings.clock() : static_cast<std::int64_t>(std::time(nullptr));
  auto report = inzage::build_report({policy, *records, now, {}, inzage::Audience::kPerson});
  if (!report) {
    return std::unexpected(make_problem(ProblemKind::kInternal, "the inzage cannot be made"));
  }
  answer.body = std::move(report->json);
  answer.details = {{"shown", std::to_string(report->shown)},
                    {"held_back", std::to_string(report->held_back)}};
  return answer;
}

const json& member(const json& body, const char* key) {
  static const json kNull;
  auto it = body.find(key);
  return it != body.end() ? *it : kNull;
}

std::string text(const json& body, const char* key) {
  const auto& value = member(body, key);
  return value.is_string() ? value.get<std::string>() : std::string();
}

// A release by the purpose's releasing role of one exchange it took part in.
std::expected<Answer, Problem> release(const InzageRouteParts& parts, const policy::Policy& policy,
                                       const policy::Partner& caller, const Request& request) {
  auto body = region::parse_body(request.body);
  if (!body) return std::unexpected(body.error());
  if (auto extra = region::only_members(*body, {"transaction_id"})) return std::unexpected(*extra);
  const std::string* id = region::string_member(*body, "transaction_id");
  if (!id) return std::unexpected(region::malformed_body("give {\"transaction_id\": \"...\"}"));
  audit::QueryFilter filter;
  filter.kind = "decision";
  filter.outcome = "allowed";
  filter.transaction_id = *id;
  filter.partner = caller.oin;  // only an exchange it took part in; others look like none
  auto found = read_trail(parts, filter);
  if (!found) return std::unexpected(found.error());
  if (found->empty()) {
    return std::unexpected(make_problem(ProblemKind::kNotFound,
                                        "no exchange of this partner has this Fsc-Transaction-Id"));
  }
  const json& decision = found->front().body;
  Answer answer{"released"};
  answer.subject_token = text(member(decision, "attributes"), "dpl.core.data_subject_id");
  answer.purpose = text(decision, "purpose");
  answer.details = {{"released", *id}};
  // The rule kept in the decision's record and the purpose's rule now: a
  // release needs one of them to be deferred until this role releases, and
  // none to withhold.
  std::vector<policy::InzageRule> rules;
  if (auto kept = inzage::rule_kept_in(decision)) rules.push_back(std::move(*kept));
  const policy::Purpose* purpose = policy.enabled_purpose(answer.purpose);
  if (!purpose) purpose = policy.guideline_purpose(answer.purpose);
  if (purpose) rules.push_back(purpose->inzage);
  const bool releasable = std::ranges::any_of(rules, [&caller](const policy::InzageRule& rule) {
    return rule.mode == policy::InzageMode::kDeferred && rule.released_by == caller.role;
  });
  const bool withheld = std::ranges::any_of(rules, [](const policy::InzageRule& rule) {
    return rule.mode == policy::InzageMode::kWithheld;
  });
  if (!releasable || withheld) {
    return refused(
        std::move(answer),
        make_problem(
            ProblemKind::kRoleNotPermitted,
            "the purpose's inzage is not released by a partner of role \"" + caller.role + "\"",
            purpose ? purpose->inzage.rule : policy.region_file() + "#/purposes"));
  }
  answer.body = {{"released", *id}, {"purpose", answer.purpose}};
  return answer;
}

}  // namespace

std::expected<void, std::string> add_inzage_route(Router& router, InzageRouteParts given) {
  auto parts = std::make_shared<InzageRouteParts>(std::move(given));
  AnswerWork work = [parts](const policy::Policy& policy, const policy::Partner& caller,
                            const Request& request, const std::string&) {
    return answer_inzage(*parts, policy, caller, request);
  };
  auto handler = [parts, work](const PeerIdentity& peer, const Request& request) {
    return audited_answer(
        {parts->policy, parts->audit, "inzage", {}, parts->region_thread, nullptr, {}}, peer,
        request, work);
  };
  if (auto ok = router.add("POST", "/v1/inzage", handler); !ok) return ok;
  AnswerWork release_work = [parts](const policy::Policy& policy, const policy::Partner& caller,
                                    const Request& request, const std::string&) {
    return release(*parts, policy, caller, request);
  };
  auto release_handler = [parts, release_work](const PeerIdentity& peer, const Request& request) {
    return audited_answer(
        {parts->policy, parts->audit, "inzage-release", {}, parts->region_thread, nullptr, {}},
        peer, request, release_work);
  };
  return router.add("POST", "/v1/inzage/releases", release_handler);
}

}  // namespace schakel::gateway
