#include "region/signal_service.hpp"

#include <algorithm>

#include "policy/decision.hpp"
#include "region/request_body.hpp"

namespace schakel::region {
namespace {

using json = nlohmann::json;

bool pairs(const policy::Purpose& purpose, const std::string& a, const std::string& b) {
  return purpose.matching.contains(std::pair(a, b));
}

// The purpose, enabled in the region, under which the sender's role matches at all.
std::expected<const policy::Purpose*, Problem> purpose_for(const policy::Policy& policy,
                                                           const policy::Partner& sender,
                                                           const json& body) {
  const std::string* id = string_member(body, "purpose");
  if (!id) return std::unexpected(malformed_body("purpose must be a string"));
  const policy::Purpose* purpose = policy.enabled_purpose(*id);
  if (!purpose) {
    return std::unexpected(make_problem(ProblemKind::kPurposeNotPermitted,
                                        "the purpose is not enabled in this region",
                                        policy.region_file() + "#/purposes"));
  }
  const bool matches = std::ranges::any_of(
      purpose->matching, [&](const auto& pair) { return pair.first == sender.role; });
  if (!matches) {
    return std::unexpected(
        make_problem(ProblemKind::kRoleNotPermitted,
                     "role " + sender.role + " is in no matching pair of purpose " + purpose->id,
                     purpose->matching_rule));
  }
  if (auto refused = policy::regional_refusal(*purpose, sender)) return std::unexpected(*refused);
  return purpose;
}

}  // namespace

std::expected<SignalOutcome, Problem> SignalService::register_signal(
    const policy::Policy& policy, const policy::Partner& sender, std::string_view text,
    calendar::Date today, const std::string& new_id) const {
  auto body = parse_body(text);
  if (!body) return std::unexpected(body.error());
  auto purpose = purpose_for(policy, sender, *body);
  if (!purpose) return std::unexpected(purpose.error());
  const std::string* contact = string_member(*body, "contact");
  if (!contact ||
      std::ranges::find(sender.contact_points, *contact) == sender.contact_points.end()) {
    return std::unexpected(
        make_problem(ProblemKind::kInvalidField,
                     "contact must be one of the contact points the region file gives this partner",
                     sender.rule + "/contact_points"));
  }
  const auto last = std::chrono::sys_days(today) + std::chrono::days((*purpose)->signal_days);
  calendar::Date until = calendar::Date(last);
  if (const auto at = body->find("until"); at != body->end()) {
    const auto parsed =
        at->is_string() ? calendar::parse_date(at->get<std::string>()) : std::nullopt;
    if (!parsed || std::chrono::sys_days(*parsed) < std::chrono::sys_days(today) ||
        std::chrono::sys_days(*parsed) > last) {
      return std::unexpected(make_problem(ProblemKind::kInvalidField,
                                          "until must be a date from today to " +
                                              calendar::format_date(until) +
                                              " (the purpose's signal_days)",
                                          (*purpose)->signal_days_rule));
    }
    until = *parsed;
  }
  for (const auto& [key, unused] : body->items()) {
    if (key != "subject" && key != "purpose" && key != "contact" && key != "until") {
      return std::unexpected(
          malformed_body("a signal has subject, purpose, contact and until only"));
    }
  }
  auto person = person_of(*body, sender, pseudonymiser_);
  if (!person) return std::unexpected(person.error());
  auto& [index, token] = *person;
  const Signal signal{new_id,
                      sender.oin,
                      (*purpose)->id,
                      index,
                      *contact,
                      calendar::format_date(today),
                      calendar::format_date(until),
                      std::nullopt};
  auto may_match = [&](const Signal& other) {
    const auto* partner = policy.partner_by_oin(other.partner_oin);
    return partner && !policy::regional_refusal(**purpose, *partner) &&
           pairs(**purpose, sender.role, partner->role);
  };
  auto notify = [&](const Match& match, const Signal& other) {
    const auto* partner = policy.partner_by_oin(other.partner_oin);
    auto about = [&](const policy::Partner& who, const std::string& contact_point) {
      return json{{"type", "match"},
                  {"match", match.id},
                  {"purpose", (*purpose)->id},
                  {"themes", (*purpose)->themes},
                  {"date", match.matched_on},
                  {"partner", {{"oin", who.oin}, {"name", who.name}, {"role", who.role}}},
                  {"contact", contact_point}}
          .dump();
    };
    return std::vector<Notification>{
        {0, other.partner_oin, "match", about(sender, *contact), index, match.id, 0, 0, match.id},
        {0, sender.oin, "match", about(*partner, other.contact), index, match.id, 0, 0, match.id}};
  };
  auto registration = store_.register_signal(signal, may_match, notify);
  if (!registration) {
    return std::unexpected(make_problem(ProblemKind::kAuditUnavailable,
                                        "the signal store failed: " + registration.error()));
  }
  return SignalOutcome{std::move(*registration), std::move(token)};
}

std::expected<Signal, Problem> SignalService::withdraw(const policy::Partner& sender,
                                                       const std::string& signal_id,
                                                       calendar::Date today) const {
  auto withdrawn = store_.withdraw(signal_id, sender.oin, calendar::format_date(today));
  if (!withdrawn) {
    return std::unexpected(make_problem(ProblemKind::kAuditUnavailable,
                                        "the signal store failed: " + withdrawn.error()));
  }
  if (!*withdrawn) {
    return std::unexpected(
        make_problem(ProblemKind::kNotFound, "this partner has no active signal of that id"));
  }
  auto signal = store_.signal_by_id(signal_id);
  if (!signal || !*signal) {
    return std::unexpected(make_problem(ProblemKind::kAuditUnavailable,
                                        "the signal store failed after the withdrawal"));
  }
  return **signal;
}

std::expected<InvolvedAnswer, Problem> SignalService::involved(
    const policy::Policy& policy, const policy::Partner& sender, std::string_view text,
    calendar::Date today, const std::optional<std::string>& purpose_in_query) const {
  auto body = parse_body(text);
  if (!body) return std::unexpected(body.error());
  if (purpose_in_query) {
    const std::string* given = string_member(*body, "purpose");
    if (body->contains("purpose") && (!given || *given != *purpose_in_query)) {
      return std::unexpected(
          malformed_body("the purpose is given twice, in the query and in the body, differently"));
    }
    (*body)["purpose"] = *purpose_in_query;
  }
  if (auto extra = only_members(*body, {"subject", "purpose"})) return std::unexpected(*extra);
  auto purpose = purpose_for(policy, sender, *body);
  if (!purpose) return std::unexpected(purpose.error());
  auto person = person_of(*body, sender, pseudonymiser_);
  if (!person) return std::unexpected(person.error());
  auto& [index, token] = *person;
  auto active = store_.active_on(index, calendar::format_date(today));
  if (!active) {
    return std::unexpected(
        make_problem(ProblemKind::kAuditUnavailable, "the signal store failed: " + active.error()));
  }
  InvolvedAnswer answer{json::array(), std::move(token), (*purpose)->id};
  for (const auto& signal : *active) {
    const auto* partner = policy.partner_by_oin(signal.partner_oin);
    if (signal.purpose != (*purpose)->id || signal.partner_oin == sender.oin || !partner ||
        policy::regional_refusal(**purpose, *partner) ||
        !pairs(**purpose, sender.role, partner->role)) {
      continue;
    }
    answer.involved.push_back(
        {{"partner", {{"oin", partner->oin}, {"name", partner->name}, {"role", partner->role}}},
         {"contact", signal.contact},
         {"since", signal.registered_on},
         {"until", signal.active_until}});
  }
  return answer;
}

std::expected<std::string, Problem> SignalService::pseudonym_for(
    const std::string& subject_index, const policy::Partner& recipient) const {
  auto subject = pseudonymiser_.subject_of_pseudonym(subject_index, policy::kSignalIndexDomain);
  if (!subject) {
    return std::unexpected(
        make_problem(ProblemKind::kInternal, "an index pseudonym does not read back"));
  }
  auto pseudonym = pseudonymiser_.pseudonym(*subject, recipient.pseudonym_domain);
  if (!pseudonym) {
    return std::unexpected(make_problem(ProblemKind::kInternal, "no pseudonym for the recipient"));
  }
  return *pseudonym;
}

std::optional<std::string> SignalService::token_of(const std::string& subject_index) const {
  auto subject = pseudonymiser_.subject_of_pseudonym(subject_index, policy::kSignalIndexDomain);
  if (!subject) return std::nullopt;
  return pseudonymiser_.audit_token(*subject);
}

}  // namespace schakel::region
