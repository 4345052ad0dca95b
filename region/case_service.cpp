#include "region/case_service.hpp"

#include <sodium.h>

#include <algorithm>

#include "policy/decision.hpp"
#include "policy/redaction.hpp"
#include "region/request_body.hpp"

namespace schakel::region {
namespace {

using json = nlohmann::json;

Problem not_found() {
  return make_problem(ProblemKind::kNotFound, "no case of that id for this partner");
}
Problem store_failed(const std::string& error) {
  return make_problem(ProblemKind::kAuditUnavailable, "the case store failed: " + error);
}

std::string redacted(const policy::Policy& policy, const std::string& text) {
  return policy.redactor().redact(text, policy::RedactionContext{}).text;
}

// A required non-empty text of at most 2000 bytes.
std::expected<std::string, Problem> text_of(const json& body, std::string_view key) {
  const std::string* text = string_member(body, key);
  if (!text || text->empty() || text->size() > 2000) {
    return std::unexpected(malformed_body(std::string(key) + " must be a text of 1 to 2000 bytes"));
  }
  return *text;
}

std::expected<int, Problem> level_of(const json& body, const policy::Purpose& purpose) {
  const auto at = body.find("level");
  const bool number = at != body.end() && at->is_number_integer() && at->get<std::int64_t>() >= 1 &&
                      at->get<std::int64_t>() <= 3;
  if (!number || !purpose.levels.contains(static_cast<int>(at->get<std::int64_t>()))) {
    return std::unexpected(make_problem(ProblemKind::kInvalidLevel,
                                        "level must be one of the purpose's levels",
                                        purpose.rule + "/levels"));
  }
  return static_cast<int>(at->get<std::int64_t>());
}

// A participant the purpose allows, with one of its own contact points.
std::expected<CaseParticipant, Problem> participant_of(const policy::Policy& policy,
                                                       const policy::Purpose& purpose,
                                                       const json& entry,
                                                       const std::string& today) {
  if (!entry.is_object()) {
    return std::unexpected(malformed_body("a participant is {\"partner\": OIN, \"contact\"?}"));
  }
  if (auto extra = only_members(entry, {"partner", "contact"})) return std::unexpected(*extra);
  const std::string* oin = string_member(entry, "partner");
  const policy::Partner* partner = oin ? policy.partner_by_oin(*oin) : nullptr;
  if (!partner) {
    return std::unexpected(make_problem(ProblemKind::kUnknownRecipient,
                                        "a participant is no partner of this region",
                                        policy.region_file() + "#/partners"));
  }
  if (!purpose.senders.contains(partner->role) && !purpose.recipients.contains(partner->role)) {
    return std::unexpected(make_problem(
        ProblemKind::kRoleNotPermitted,
        "role " + partner->role + " takes no part in purpose " + purpose.id, purpose.rule));
  }
  if (auto refused = policy::regional_refusal(purpose, *partner)) return std::unexpected(*refused);
  if (entry.contains("contact") && !entry["contact"].is_string()) {
    return std::unexpected(malformed_body("a participant's contact must be a string"));
  }
  const std::string* contact = string_member(entry, "contact");
  if (partner->contact_points.empty() ||
      (contact &&
       std::ranges::find(partner->contact_points, *contact) == partner->contact_points.end())) {
    return std::unexpected(
        make_problem(ProblemKind::kInvalidField,
                     "a participant's contact must be one the region file gives that partner",
                     partner->rule + "/contact_points"));
  }
  return CaseParticipant{partner->oin, contact ? *contact : partner->contact_points.front(), today};
}

std::string short_id(const Case& value, std::string_view prefix, std::size_t n) {
  return std::string(prefix) + "-" + std::to_string(n + 1) + "-" +
         value.id.substr(kCaseIdPrefix.size(), 4);
}

}  // namespace

std::string new_case_id() {
  std::string id(kCaseIdPrefix);
  for (int i = 0; i < 20; ++i) id += static_cast<char>('a' + randombytes_uniform(26));
  return id;
}

bool is_case_id(std::string_view reference) {
  if (!reference.starts_with(kCaseIdPrefix) || reference.size() != kCaseIdPrefix.size() + 20) {
    return false;
  }
  return std::ranges::all_of(reference.substr(kCaseIdPrefix.size()),
                             [](char c) { return c >= 'a' && c <= 'z'; });
}

std::expected<CaseOutcome, Problem> CaseService::open(const policy::Policy& policy,
                                                      const policy::Partner& director,
                                                      std::string_view text, calendar::Date day,
                                                      const std::string& new_id) const {
  auto body = parse_body(text);
  if (!body) return std::unexpected(body.error());
  if (auto extra =
          only_members(*body, {"subject", "purpose", "level", "contact", "participants"})) {
    return std::unexpected(*extra);
  }
  const std::string* purpose_id = string_member(*body, "purpose");
  const policy::Purpose* purpose = purpose_id ? policy.enabled_purpose(*purpose_id) : nullptr;
  if (!purpose) {
    return std::unexpected(make_problem(ProblemKind::kPurposeNotPermitted,
                                        "the purpose is not enabled in this region",
                                        policy.region_file() + "#/purposes"));
  }
  if (!purpose->case_directors.contains(director.role)) {
    return std::unexpected(
        make_problem(ProblemKind::kRoleNotPermitted,
                     "role " + director.role + " directs no cases under " + purpose->id,
                     purpose->case_directors_rule));
  }
  if (auto refused = policy::regional_refusal(*purpose, director)) return std::unexpected(*refused);
  auto level = level_of(*body, *purpose);
  if (!level) return std::unexpected(level.error());
  const std::string today = calendar::format_date(day);
  json self = {{"partner", director.oin}};
  if (body->contains("contact")) self["contact"] = (*body)["contact"];
  auto first = participant_of(policy, *purpose, self, today);
  if (!first &&
      (first.error().kind != ProblemKind::kRoleNotPermitted || director.contact_points.empty())) {
    return std::unexpected(first.error());
  }
  Case value{new_id, purpose->id, "", director.oin, *level, today, std::nullopt, {}, {}, {}, {}};
  value.participants.push_back(
      first ? *first : CaseParticipant{director.oin, director.contact_points.front(), today});
  const auto invited = body->find("participants");
  if (invited != body->end()) {
    if (!invited->is_array() || invited->size() > 50) {
      return std::unexpected(malformed_body("participants must be an array of at most 50"));
    }
    for (const auto& entry : *invited) {
      auto participant = participant_of(policy, *purpose, entry, today);
      if (!participant) return std::unexpected(participant.error());
      if (!value.participant(participant->partner_oin)) value.participants.push_back(*participant);
    }
  }
  auto person = person_of(*body, director, pseudonymiser_);
  if (!person) return std::unexpected(person.error());
  value.subject_index = person->index;
  value.levels.push_back({*level, "", today, director.oin});
  if (auto stored = store_.create(value); !stored)
    return std::unexpected(store_failed(stored.error()));
  return CaseOutcome{
      std::move(value), std::move(person->token), "opened", {{"level", std::to_string(*level)}}};
}

std::expected<json, Problem> CaseService::overview(const policy::Policy& policy,
                                                   const policy::Partner& caller,
                                                   const std::string& id,
                                                   std::string* subject_token) const {
  auto loaded = store_.load(id);
  if (!loaded) return std::unexpected(store_failed(loaded.error()));
  if (!*loaded || !(*loaded)->participant(caller.oin)) return std::unexpected(not_found());
  const Case& value = **loaded;
  auto subject =
      pseudonymiser_.subject_of_pseudonym(value.subject_index, policy::kSignalIndexDomain);
  if (!subject)
    return std::unexpected(
        make_problem(ProblemKind::kInternal, "a case's person does not read back"));
  auto pseudonym = pseudonymiser_.pseudonym(*subject, caller.pseudonym_domain);
  auto token = pseudonymiser_.audit_token(*subject);
  if (!pseudonym || !token) {
    return std::unexpected(make_problem(ProblemKind::kAuditUnavailable, "no pseudonym or token"));
  }
  if (subject_token) *subject_token = *token;
  json out = value;
  out.erase("subject_index");
  out["subject"] = {{"pseudonym", *pseudonym}};
  for (auto& participant : out["participants"]) {
    if (const auto* partner = policy.partner_by_oin(participant["partner"].get<std::string>())) {
      participant["name"] = partner->name;
      participant["role"] = partner->role;
    }
  }
  return out;
}

std::optional<std::pair<std::string, std::string>> CaseService::refusal_context(
    const std::string& id) const {
  auto loaded = store_.load(id);
  if (!loaded || !*loaded) return std::nullopt;
  auto subject =
      pseudonymiser_.subject_of_pseudonym((*loaded)->subject_index, policy::kSignalIndexDomain);
  if (!subject) return std::nullopt;
  return std::pair((*loaded)->id, pseudonymiser_.audit_token(*subject).value_or(""));
}

std::expected<CaseOutcome, Problem> CaseService::change(
    const policy::Policy& policy, const policy::Partner& caller, const std::string& id,
    const std::string& what, std::string_view text, calendar::Date day) const {
  auto body = parse_body(text.empty() ? std::string_view("{}") : text);
  if (!body) return std::unexpected(body.error());
  const std::string today = calendar::format_date(day);
  std::optional<Problem> refused;
  CaseOutcome outcome;
  auto updated = store_.update(id, [&](Case& value) {
    if (!value.participant(caller.oin)) {
      refused = not_found();
      return false;
    }
    const bool director = value.director_oin == caller.oin;
    const policy::Purpose* purpose = policy.enabled_purpose(value.purpose);
    if (value.closed_on || !purpose) {
      refused =
          make_problem(ProblemKind::kCaseClosed,
                       value.closed_on ? "the case is closed" : "its purpose is no longer enabled");
      return false;
    }
    const bool completes = what == "actions" && body->contains("done");
    if (!director && !completes) {
      refused = make_problem(ProblemKind::kRoleNotPermitted, "only the case's director changes it",
                             purpose->case_directors_rule);
      return false;
    }
    if (what == "level") {
      if (auto extra = only_members(*body, {"level", "reason"})) return refused = *extra, false;
      auto level = level_of(*body, *purpose);
      auto reason = text_of(*body, "reason");
      if (!level) return refused = level.error(), false;
      if (!reason) return refused = reason.error(), false;
      outcome.details = {{"from", std::to_string(value.level)}, {"to", std::to_string(*level)}};
      value.level = *level;
      value.levels.push_back({*level, redacted(policy, *reason), today, caller.oin});
      outcome.change = "level";
      return true;
    }
    if (what == "participants") {
      auto participant = participant_of(policy, *purpose, *body, today);
      if (!participant) return refused = participant.error(), false;
      if (value.participant(participant->partner_oin)) {
        return refused = make_problem(ProblemKind::kInvalidField, "already a participant"), false;
      }
      outcome.details = {{"participant", participant->partner_oin}};
      value.participants.push_back(*participant);
      outcome.change = "participant";
      return true;
    }
    if (what == "actions" && completes) {
      if (auto extra = only_members(*body, {"action", "done"})) return refused = *extra, false;
      if ((*body)["done"] != true) {
        return refused = malformed_body("done must be true: a done action stays done"), false;
      }
      const std::string* action_id = string_member(*body, "action");
      auto action = std::ranges::find_if(
          value.actions, [&](const CaseAction& a) { return action_id && a.id == *action_id; });
      if (action == value.actions.end() || (!director && action->owner_oin != caller.oin)) {
        return refused = make_problem(ProblemKind::kNotFound, "no such action of this partner"),
               false;
      }
      action->done_on = today;
      outcome.details = {{"action", action->id}, {"done", today}};
      outcome.change = "action";
      return true;
    }
    if (what == "actions") {
      if (auto extra = only_members(*body, {"what", "owner", "due"}))
        return refused = *extra, false;
      auto task = text_of(*body, "what");
      const std::string* owner = string_member(*body, "owner");
      const std::string* due = string_member(*body, "due");
      if (!task) return refused = task.error(), false;
      if (!owner || !value.participant(*owner)) {
        return refused = make_problem(ProblemKind::kInvalidField, "owner must be a participant"),
               false;
      }
      if (!due || !calendar::parse_date(*due)) {
        return refused = make_problem(ProblemKind::kInvalidField, "due must be a date"), false;
      }
      CaseAction action{short_id(value, "actie", value.actions.size()), redacted(policy, *task),
                        *owner, *due, std::nullopt};
      outcome.details = {{"action", action.id}, {"owner", *owner}, {"due", *due}};
      value.actions.push_back(std::move(action));
      outcome.change = "action";
      return true;
    }
    if (what == "decisions") {
      if (auto extra = only_members(*body, {"text"})) return refused = *extra, false;
      auto decision = text_of(*body, "text");
      if (!decision) return refused = decision.error(), false;
      CaseDecision entry{short_id(value, "besluit", value.decisions.size()),
                         redacted(policy, *decision), today};
      outcome.details = {{"decision", entry.id}};
      value.decisions.push_back(std::move(entry));
      outcome.change = "decision";
      return true;
    }
    if (what == "close") {
      if (auto extra = only_members(*body, {})) return refused = *extra, false;
      value.closed_on = today;
      outcome.change = "closed";
      return true;
    }
    refused = make_problem(ProblemKind::kNotFound, "no such change of a case");
    return false;
  });
  if (!updated) return std::unexpected(store_failed(updated.error()));
  if (!*updated) return std::unexpected(not_found());
  if (refused) return std::unexpected(*refused);
  outcome.value = std::move(**updated);
  auto subject =
      pseudonymiser_.subject_of_pseudonym(outcome.value.subject_index, policy::kSignalIndexDomain);
  if (subject) outcome.subject_token = pseudonymiser_.audit_token(*subject).value_or("");
  return outcome;
}

}  // namespace schakel::region
