#include "policy/transform.hpp"

#include <algorithm>

#include "common/calendar.hpp"
#include "policy/bsn.hpp"
#include "policy/field_values.hpp"

namespace schakel::policy {
namespace {

std::string pointer_of(const std::string& name) {
  std::string pointer = "/data/" + name;
  std::replace(pointer.begin(), pointer.end(), '.', '/');
  return pointer;
}

Problem invalid_field(const std::string& name, const FieldSpec& spec, const std::string& rule) {
  return make_problem(
      ProblemKind::kInvalidField,
      "field " + pointer_of(name) + " is not a valid " + std::string(to_string(spec.type)), rule);
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
    // Foreign, forged, mistyped or malformed: one problem; the detail names why, never the text.
    return std::unexpected(
        make_problem(ProblemKind::kUnknownPseudonym,
                     "subject.pseudonym is not a pseudonym of the sender's pseudonym domain (" +
                         std::string(crypto::describe(named.error())) + ")"));
  }
  return std::move(*named);
}

std::expected<TransformedMessage, Problem> Transformer::apply(
    const Policy& policy, const Decision& decision, const CanonicalMessage& in,
    const crypto::Subject& subject, std::chrono::year_month_day today,
    const UpstreamActions* upstream) const {
  TransformedMessage out;
  const LevelPlan& plan = *decision.plan;
  // A peer that pseudonymised the subject was the stricter: it stays a pseudonym.
  const bool peer_pseudonymised = upstream && in.subject.kind != SubjectId::Kind::kBsn;
  if (plan.subject == SubjectAction::kBsn && !peer_pseudonymised) {
    if (in.subject.kind != SubjectId::Kind::kBsn) {
      return std::unexpected(make_problem(ProblemKind::kInvalidSubject,
                                          "this purpose passes the BSN; send subject.bsn",
                                          plan.subject_rule));
    }
    out.message.subject = in.subject;
    out.subject_as_bsn = true;
  } else {
    auto pseudonym = pseudonymiser_.pseudonym(subject, decision.recipient->pseudonym_domain);
    if (!pseudonym) {
      return std::unexpected(
          make_problem(ProblemKind::kInternal, "no pseudonym could be derived for the recipient"));
    }
    out.message.subject = {SubjectId::Kind::kPseudonym, std::move(*pseudonym)};
  }

  Walk walk{policy, plan,         *decision.recipient,
            today,  out.actions,  out.unknown_fields_dropped,
            in,     out.redacted, upstream};
  auto data = transform_object(walk, "", in.data);
  if (!data) return std::unexpected(data.error());
  out.message.data = std::move(*data);
  return out;
}

void Transformer::note(Walk& walk, FieldAction action) const {
  if (walk.noted.insert(action.field).second) walk.actions.push_back(std::move(action));
}

// The members of one object at `prefix` ("" for /data, "incidents." inside one).
std::expected<nlohmann::json, Problem> Transformer::transform_object(
    Walk& walk, const std::string& prefix, const nlohmann::json& in) const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : in.items()) {
    const std::string name = prefix + key;
    auto transformed = transform_field(walk, name, value);
    if (!transformed) return std::unexpected(transformed.error());
    if (*transformed) out[key] = std::move(**transformed);
  }
  return out;
}

// One field: nullopt when it is dropped, with its action noted either way.
std::expected<std::optional<nlohmann::json>, Problem> Transformer::transform_field(
    Walk& walk, const std::string& name, const nlohmann::json& value) const {
  const FieldSpec* spec = walk.policy.field(name);
  if (!spec) {
    ++walk.unknown_fields_dropped;  // counted, never named: the name is the sender's text
    return std::nullopt;
  }
  if (spec->has_children) return transform_container(walk, *spec, value);
  auto rule = walk.plan.fields.find(name);
  if (rule == walk.plan.fields.end()) {
    note(walk, {name, spec->category, "drop", walk.plan.rule + "/fields"});
    return std::nullopt;
  }
  if (walk.upstream && rule->second.transform != Transform::kDrop) {
    const auto passed = walk.upstream->fields.find(name);
    if (passed != walk.upstream->fields.end() && passed->second != Transform::kKeep) {
      return over_upstream(walk, *spec, rule->second, passed->second, value);
    }
  }
  note(walk,
       {name, spec->category, std::string(to_string(rule->second.transform)), rule->second.rule});
  if (rule->second.transform == Transform::kDrop) return std::nullopt;
  auto transformed = transform_value(walk, *spec, rule->second, value);
  if (!transformed) return std::unexpected(transformed.error());
  return std::optional<nlohmann::json>(std::move(*transformed));
}

// An object, or an array of objects, whose own fields the level names one by one.
std::expected<std::optional<nlohmann::json>, Problem> Transformer::transform_container(
    Walk& walk, const FieldSpec& spec, const nlohmann::json& value) const {
  const std::string prefix = spec.name + ".";
  auto named = walk.plan.fields.lower_bound(prefix);
  if (named == walk.plan.fields.end() || !named->first.starts_with(prefix)) {
    note(walk, {spec.name, spec.category, "drop", walk.plan.rule + "/fields"});
    return std::nullopt;
  }
  const std::string rule = walk.plan.rule + "/fields";
  if (spec.type == FieldType::kObject) {
    if (!value.is_object()) return std::unexpected(invalid_field(spec.name, spec, rule));
    auto object = transform_object(walk, prefix, value);
    if (!object) return std::unexpected(object.error());
    return std::optional<nlohmann::json>(std::move(*object));
  }
  if (!value.is_array()) return std::unexpected(invalid_field(spec.name, spec, rule));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : value) {
    if (!item.is_object()) return std::unexpected(invalid_field(spec.name, spec, rule));
    auto object = transform_object(walk, prefix, item);
    if (!object) return std::unexpected(object.error());
    items.push_back(std::move(*object));
  }
  return std::optional<nlohmann::json>(std::move(items));
}

std::expected<nlohmann::json, Problem> Transformer::transform_value(
    Walk& walk, const FieldSpec& spec, const FieldRule& rule, const nlohmann::json& value) const {
  if (!matches_type(spec, value)) return std::unexpected(invalid_field(spec.name, spec, rule.rule));
  switch (rule.transform) {
    case Transform::kKeep:
      return value;
    case Transform::kYear:
      return generalise_year(*calendar::parse_date(value.get<std::string>()));
    case Transform::kAgeBand:
      return generalise_age_band(*calendar::parse_date(value.get<std::string>()), walk.today);
    case Transform::kPostcode4:
      return *generalise_postcode(value.get<std::string>());
    case Transform::kRedact:
      return redact(walk, value.get<std::string>());
    case Transform::kPseudonymise:
      return pseudonymise_field(as_text(value), walk.recipient);
    case Transform::kDrop:
      break;
  }
  return nlohmann::json();
}

// A field the peer region's gateway already transformed (`upstream`, never
// keep): the stricter of its transform and this region's `rule` wins. The
// peer's claim is checked, not believed: the value must be what that
// transform gives (is_output_of), or the message is refused; a redacted text
// is redacted again here, and a field pseudonym (the pair's transit domain's,
// which the peer can compute) is pseudonymised again into the recipient's
// domain, so that the peer cannot compute what the recipient holds.
std::expected<std::optional<nlohmann::json>, Problem> Transformer::over_upstream(
    Walk& walk, const FieldSpec& spec, const FieldRule& rule, Transform upstream,
    const nlohmann::json& value) const {
  if (!is_output_of(upstream, spec, value)) {
    return std::unexpected(make_problem(ProblemKind::kInvalidField,
                                        "field " + pointer_of(spec.name) + " is not what " +
                                            std::string(to_string(upstream)) +
                                            " gives, as the peer region's gateway says it did",
                                        walk.upstream->rule));
  }
  const auto noted = [&](Transform transform, const std::string& cited) {
    note(walk, {spec.name, spec.category, std::string(to_string(transform)), cited});
  };
  const std::string& text = value.get_ref<const std::string&>();
  const bool peer_stricter =
      upstream == rule.transform || strength(upstream) > strength(rule.transform);
  if (peer_stricter && upstream != Transform::kPseudonymise) {
    noted(upstream, upstream == rule.transform ? rule.rule : walk.upstream->rule);
    if (upstream == Transform::kRedact) {
      auto redacted = redact(walk, text);
      if (!redacted) return std::unexpected(redacted.error());
      return std::optional<nlohmann::json>(std::move(*redacted));
    }
    return std::optional<nlohmann::json>(value);  // as strict as this region asks, or stricter
  }
  if (peer_stricter || rule.transform == Transform::kPseudonymise) {
    noted(Transform::kPseudonymise,
          rule.transform == Transform::kPseudonymise ? rule.rule : walk.upstream->rule);
    auto pseudonym = pseudonymise_field(text, walk.recipient);
    if (!pseudonym) return std::unexpected(pseudonym.error());
    return std::optional<nlohmann::json>(std::move(*pseudonym));
  }
  // Another generalisation of equal strength, or one this region would make
  // stronger in a way the peer's output no longer allows: nothing of it passes.
  noted(Transform::kDrop, rule.rule);
  return std::nullopt;
}

std::expected<nlohmann::json, Problem> Transformer::pseudonymise_field(
    const std::string& text, const Partner& recipient) const {
  auto pseudonym = pseudonymiser_.field_pseudonym(text, recipient.pseudonym_domain);
  if (!pseudonym) {
    return std::unexpected(make_problem(
        ProblemKind::kInternal, "no field pseudonym could be derived for the recipient (" +
                                    std::string(crypto::describe(pseudonym.error())) + ")"));
  }
  return std::move(*pseudonym);
}

// Free text with the message's context: its own values and the names its free text names.
std::expected<nlohmann::json, Problem> Transformer::redact(Walk& walk,
                                                           const std::string& text) const {
  if (!walk.redaction) {
    auto context = walk.policy.redactor().context(walk.in, walk.policy);
    if (!context) {
      return std::unexpected(make_problem(ProblemKind::kBodyTooLarge,
                                          "free text cannot be redacted: " + context.error()));
    }
    walk.redaction = std::move(*context);
    walk.redacted.emplace();
  }
  auto redacted = walk.policy.redactor().redact(text, *walk.redaction);
  walk.redacted->add(redacted.counts);
  return std::move(redacted.text);
}

}  // namespace schakel::policy
