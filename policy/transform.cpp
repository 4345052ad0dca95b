#include "policy/transform.hpp"

#include "policy/bsn.hpp"
#include "policy/field_values.hpp"

namespace schakel::policy {
namespace {

Problem invalid_field(const std::string& name, const FieldSpec& spec, const std::string& rule) {
  return make_problem(
      ProblemKind::kInvalidField,
      "field /data/" + name + " is not a valid " + std::string(to_string(spec.type)), rule);
}

std::string as_text(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

std::expected<crypto::Subject, Problem> resolve_subject(
    const SubjectId& subject, const Partner& sender, const crypto::Pseudonymiser& pseudonymiser) {
  if (subject.kind == SubjectId::Kind::kBsn) {
    if (!is_valid_bsn(subject.value)) {
      return std::unexpected(make_problem(ProblemKind::kInvalidSubject,
                                          "subject.bsn is not a valid BSN (9 digits, 11-check)"));
    }
    return pseudonymiser.subject_of_bsn(subject.value);
  }
  auto named = pseudonymiser.subject_of_pseudonym(subject.value, sender.pseudonym_domain);
  if (!named) {
    return std::unexpected(
        make_problem(ProblemKind::kInvalidSubject,
                     "subject.pseudonym: " + named.error() + " in the sender's pseudonym domain"));
  }
  return std::move(*named);
}

std::expected<TransformedMessage, Problem> Transformer::apply(
    const Policy& policy, const Decision& decision, const CanonicalMessage& in,
    const crypto::Subject& subject, std::chrono::year_month_day today) const {
  TransformedMessage out;
  const LevelPlan& plan = *decision.plan;
  if (plan.subject == SubjectAction::kBsn) {
    if (in.subject.kind != SubjectId::Kind::kBsn) {
      return std::unexpected(make_problem(ProblemKind::kInvalidSubject,
                                          "this purpose passes the BSN; send subject.bsn",
                                          plan.subject_rule));
    }
    out.message.subject = in.subject;
  } else {
    out.message.subject = {SubjectId::Kind::kPseudonym,
                           pseudonymiser_.pseudonym(subject, decision.recipient->pseudonym_domain)};
  }

  for (const auto& [name, value] : in.data.items()) {
    const FieldSpec* spec = policy.field(name);
    if (!spec) {
      out.actions.push_back({name, "", "drop", policy.guideline_file() + "#/fields"});
      continue;
    }
    auto rule = plan.fields.find(name);
    if (rule == plan.fields.end()) {
      out.actions.push_back({name, spec->category, "drop", plan.rule + "/fields"});
      continue;
    }
    out.actions.push_back(
        {name, spec->category, std::string(to_string(rule->second.transform)), rule->second.rule});
    if (rule->second.transform == Transform::kDrop) continue;
    auto transformed = transform_value(*spec, rule->second, value, *decision.recipient, today);
    if (!transformed) return std::unexpected(transformed.error());
    out.message.data[name] = std::move(*transformed);
  }
  return out;
}

std::expected<nlohmann::json, Problem> Transformer::transform_value(
    const FieldSpec& spec, const FieldRule& rule, const nlohmann::json& value,
    const Partner& recipient, std::chrono::year_month_day today) const {
  if (!matches_type(spec, value)) return std::unexpected(invalid_field(spec.name, spec, rule.rule));
  switch (rule.transform) {
    case Transform::kKeep:
      return value;
    case Transform::kYear:
      return generalise_year(*parse_date(value.get<std::string>()));
    case Transform::kAgeBand:
      return generalise_age_band(*parse_date(value.get<std::string>()), today);
    case Transform::kPostcode4:
      return *generalise_postcode(value.get<std::string>());
    case Transform::kRedact:
      return redact_text(value.get<std::string>());
    case Transform::kPseudonymise:
      return pseudonymiser_.field_pseudonym(as_text(value), recipient.pseudonym_domain);
    case Transform::kDrop:
      break;
  }
  return nlohmann::json();
}

}  // namespace schakel::policy
