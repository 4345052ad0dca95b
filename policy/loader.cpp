#include "policy/loader.hpp"

#include <algorithm>
#include <functional>

#include <re2/re2.h>

#include "common/json_reader.hpp"
#include "crypto/encoding.hpp"
#include "crypto/transit.hpp"
#include "policy/console_users_loader.hpp"
#include "policy/fhir_mapping_loader.hpp"
#include "policy/inzage_loader.hpp"
#include "policy/mapped_format_loader.hpp"
#include "policy/peers_loader.hpp"
#include "policy/redaction.hpp"
#include "policy/redaction_names.hpp"

namespace schakel::policy {
namespace {

using nlohmann::json;
template <typename T>
using NamedMap = std::map<std::string, T, std::less<>>;

struct Guideline {
  NamedMap<Category> categories;
  NamedMap<FieldSpec> fields;
  std::set<std::string, std::less<>> roles;
  NamedMap<Purpose> purposes;
  std::optional<FhirMapping> fhir;
};

std::string cite(const std::string& file, const std::string& pointer) {
  return file + "#" + pointer;
}

std::optional<int> parse_level_key(std::string_view key) {
  if (key == "1") return 1;
  if (key == "2") return 2;
  if (key == "3") return 3;
  return std::nullopt;
}

// ---- guideline ------------------------------------------------------------

void read_categories(ObjectReader& top, Guideline& out) {
  const json* categories = top.object("categories", Presence::kRequired);
  if (!categories) return;
  for (const auto& [id, value] : categories->items()) {
    auto reader = top.nested(value, pointer_append(top.child("categories"), id));
    Category category{id, reader.string("title", Presence::kRequired).value_or(""), "",
                      reader.string("title_nl", Presence::kRequired).value_or("")};
    category.gdpr_article = reader.string("gdpr_article", Presence::kOptional).value_or("");
    if (!category.gdpr_article.empty() && category.gdpr_article != "9" &&
        category.gdpr_article != "10") {
      reader.error(reader.child("gdpr_article"), "must be \"9\" or \"10\"");
    }
    reader.finish();
    out.categories.emplace(id, std::move(category));
  }
}

void read_field_map(ObjectReader& parent, const json& fields, const std::string& prefix,
                    Guideline& out);

void read_fields(ObjectReader& top, Guideline& out) {
  const json* fields = top.object("fields", Presence::kRequired);
  if (!fields) return;
  read_field_map(top, *fields, "", out);
}

// Fields of the catalogue, or of one object field (`prefix` "incidents.").
void read_field_map(ObjectReader& parent, const json& fields, const std::string& prefix,
                    Guideline& out) {
  for (const auto& [key, value] : fields.items()) {
    const std::string name = prefix + key;
    auto reader = parent.nested(value, pointer_append(parent.child("fields"), key));
    FieldSpec spec{name, reader.string("category", Presence::kRequired).value_or(""), {}, {}};
    (void)reader.string("title", Presence::kOptional);
    spec.title_nl = reader.string("title_nl", Presence::kRequired).value_or("");
    if (!spec.category.empty() && !out.categories.contains(spec.category)) {
      reader.error(reader.child("category"), "unknown category \"" + spec.category + "\"");
    }
    if (auto type = reader.string("type", Presence::kRequired)) {
      if (auto parsed = parse_field_type(*type)) {
        spec.type = *parsed;
      } else {
        reader.error(reader.child("type"), "unknown field type \"" + *type + "\"");
      }
    }
    auto values = reader.strings("values", Presence::kOptional);
    if (spec.type == FieldType::kEnum && !values) {
      reader.error(reader.child("values"), "is required for an enum field");
    }
    if (values) spec.values.insert(values->begin(), values->end());
    if (const json* children = reader.object("fields", Presence::kOptional)) {
      if (spec.type != FieldType::kObject && spec.type != FieldType::kArray) {
        reader.error(reader.child("fields"), "only object and array fields have fields");
      }
      spec.has_children = true;
      read_field_map(reader, *children, name + ".", out);
    }
    reader.finish();
    out.fields.emplace(name, std::move(spec));
  }
}

void read_roles(ObjectReader& top, Guideline& out) {
  const json* roles = top.object("roles", Presence::kRequired);
  if (!roles) return;
  for (const auto& [id, value] : roles->items()) {
    auto reader = top.nested(value, pointer_append(top.child("roles"), id));
    (void)reader.string("title", Presence::kRequired);
    reader.finish();
    out.roles.insert(id);
  }
}

std::set<std::string, std::less<>> read_role_set(ObjectReader& reader, std::string_view key,
                                                 const Guideline& guideline) {
  std::set<std::string, std::less<>> out;
  auto roles = reader.strings(key, Presence::kRequired);
  if (!roles) return out;
  for (std::size_t i = 0; i < roles->size(); ++i) {
    const auto& role = (*roles)[i];
    if (!guideline.roles.contains(role)) {
      reader.error(pointer_append(reader.child(key), std::to_string(i)),
                   "unknown role \"" + role + "\"");
    }
    out.insert(role);
  }
  return out;
}

std::optional<SubjectAction> parse_subject_action(std::string_view text) {
  if (text == "pseudonymise") return SubjectAction::kPseudonymise;
  if (text == "bsn") return SubjectAction::kBsn;
  return std::nullopt;
}

void read_level_fields(ObjectReader& level_reader, const json& fields, const Guideline& guideline,
                       LevelPlan& plan) {
  const std::string base = level_reader.child("fields");
  for (const auto& [name, value] : fields.items()) {
    const std::string pointer = pointer_append(base, name);
    const FieldSpec* spec = nullptr;
    if (auto it = guideline.fields.find(name); it != guideline.fields.end()) spec = &it->second;
    if (!spec) level_reader.error(pointer, "unknown field \"" + name + "\" (not in /fields)");
    if (!value.is_string()) {
      level_reader.error(pointer, "must be a transform name");
      continue;
    }
    auto transform = parse_transform(value.get<std::string>());
    if (!transform) {
      level_reader.error(pointer, "unknown transform \"" + value.get<std::string>() + "\"");
      continue;
    }
    if (spec && spec->has_children && *transform != Transform::kDrop) {
      level_reader.error(pointer, "\"" + name + "\" has fields of its own; name them (\"" + name +
                                      ".<field>\") instead of the whole " +
                                      std::string(to_string(spec->type)));
      continue;
    }
    if (spec && !applies_to(*transform, spec->type)) {
      level_reader.error(pointer, "transform \"" + std::string(to_string(*transform)) +
                                      "\" does not apply to a " +
                                      std::string(to_string(spec->type)) + " field");
    }
    plan.fields[name] = FieldRule{*transform, cite(level_reader.file(), pointer)};
  }
}

void read_levels(ObjectReader& reader, const Guideline& guideline, Purpose& purpose) {
  const json* levels = reader.object("levels", Presence::kRequired);
  if (!levels) return;
  if (levels->empty()) reader.error(reader.child("levels"), "must define at least one level");
  for (const auto& [key, value] : levels->items()) {
    const std::string pointer = pointer_append(reader.child("levels"), key);
    auto level = parse_level_key(key);
    if (!level) {
      reader.error(pointer, "level must be \"1\", \"2\" or \"3\"");
      continue;
    }
    auto level_reader = reader.nested(value, pointer);
    LevelPlan plan;
    plan.level = *level;
    plan.rule = cite(reader.file(), pointer);
    plan.subject_rule = cite(reader.file(), level_reader.child("subject"));
    if (auto subject = level_reader.string("subject", Presence::kRequired)) {
      if (auto action = parse_subject_action(*subject)) {
        plan.subject = *action;
      } else {
        level_reader.error(level_reader.child("subject"), "must be \"pseudonymise\" or \"bsn\"");
      }
    }
    if (const json* fields = level_reader.object("fields", Presence::kRequired)) {
      read_level_fields(level_reader, *fields, guideline, plan);
    }
    level_reader.finish();
    purpose.levels.emplace(*level, std::move(plan));
  }
}

using RolePairs = std::set<std::pair<std::string, std::string>, std::less<>>;

// "matching": [["police", "mental_health"], ...] as pairs in both orders;
// `allowed` reports (and refuses) a pair of roles that may not stand.
RolePairs read_role_pairs(ObjectReader& reader, const json& pairs,
                          const std::function<bool(const std::string&, const std::string&,
                                                   const std::string&)>& allowed) {
  RolePairs out;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const std::string where = pointer_append(reader.child("matching"), std::to_string(i));
    const json& pair = pairs[i];
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
      reader.error(where, "must be a pair of roles, e.g. [\"police\", \"mental_health\"]");
      continue;
    }
    const std::string a = pair[0], b = pair[1];
    if (!allowed(a, b, where)) continue;
    out.emplace(a, b);
    out.emplace(b, a);
  }
  return out;
}

// "matching", "signal_days" and "case_directors" (issue 14); "reidentification" (issue 15).
void read_matching(ObjectReader& reader, const std::set<std::string, std::less<>>& roles,
                   Purpose& purpose) {
  const json* pairs = reader.array("matching", Presence::kOptional);
  const auto days = reader.integer("signal_days", Presence::kOptional);
  if (days && (*days <= 0 || *days > kMaxSignalDays)) {
    reader.error(reader.child("signal_days"),
                 "must be 1.." + std::to_string(kMaxSignalDays) + " (the VIR's two years)");
  }
  purpose.signal_days = static_cast<int>(days.value_or(kMaxSignalDays));
  // A member the purpose leaves out is cited as the purpose itself (where it is absent).
  auto rule_of = [&](const char* member) {
    return cite(reader.file(), reader.has(member) ? reader.child(member) : reader.pointer());
  };
  purpose.matching_rule = rule_of("matching");
  purpose.signal_days_rule = rule_of("signal_days");
  purpose.case_directors_rule = rule_of("case_directors");
  purpose.reidentifiers_rule = rule_of("reidentification");
  for (const auto& [member, set] : {std::pair{"case_directors", &purpose.case_directors},
                                    std::pair{"reidentification", &purpose.reidentifiers}}) {
    for (const auto& role :
         reader.strings(member, Presence::kOptional).value_or(std::vector<std::string>{})) {
      if (!roles.contains(role)) {
        reader.error(reader.child(member), "names a role the guideline does not define");
      }
      set->insert(role);
    }
  }
  if (!pairs) return;
  purpose.matching =
      read_role_pairs(reader, *pairs, [&](const auto& a, const auto& b, const auto& where) {
        if (roles.contains(a) && roles.contains(b)) return true;
        reader.error(where, "names a role the guideline does not define");
        return false;
      });
}

// A region's list of roles for `member` of a purpose: a subset of the
// guideline's; the rule in force then cites the region file.
void narrow_roles(ObjectReader& reader, const Purpose& purpose, const char* member,
                  const std::string& what, std::set<std::string, std::less<>>& roles,
                  std::string& rule) {
  auto listed = reader.strings(member, Presence::kOptional);
  if (!listed) return;
  std::set<std::string, std::less<>> narrowed;
  for (std::size_t i = 0; i < listed->size(); ++i) {
    if (!roles.contains((*listed)[i])) {
      reader.error(pointer_append(reader.child(member), std::to_string(i)),
                   "widens the guideline: role \"" + (*listed)[i] + "\" may not " + what +
                       " under \"" + purpose.id + "\"");
    }
    narrowed.insert((*listed)[i]);
  }
  roles = std::move(narrowed);
  rule = cite(reader.file(), reader.child(member));
}

// A region's "matching" (a subset of the guideline's pairs), "signal_days"
// (at most the guideline's), "case_directors" and "reidentification" (subsets)
// for a purpose.
void narrow_region_work(ObjectReader& reader, Purpose& purpose) {
  if (auto days = reader.integer("signal_days", Presence::kOptional)) {
    if (*days <= 0 || *days > purpose.signal_days) {
      reader.error(reader.child("signal_days"),
                   std::string(*days <= 0 ? "must be positive" : "widens the guideline") +
                       ": must be between 1 and the guideline's " +
                       std::to_string(purpose.signal_days) + " days");
    } else {
      purpose.signal_days = static_cast<int>(*days);
      purpose.signal_days_rule = cite(reader.file(), reader.child("signal_days"));
    }
  }
  narrow_roles(reader, purpose, "case_directors", "direct cases", purpose.case_directors,
               purpose.case_directors_rule);
  narrow_roles(reader, purpose, "reidentification", "re-identify", purpose.reidentifiers,
               purpose.reidentifiers_rule);
  const json* pairs = reader.array("matching", Presence::kOptional);
  if (!pairs) return;
  auto narrowed =
      read_role_pairs(reader, *pairs, [&](const auto& a, const auto& b, const auto& where) {
        if (purpose.matching.contains(std::pair{a, b})) return true;
        reader.error(where, "widens the guideline: the guideline does not let \"" + a +
                                "\" and \"" + b + "\" learn of each other under \"" + purpose.id +
                                "\"");
        return false;
      });
  purpose.matching = std::move(narrowed);
  purpose.matching_rule = cite(reader.file(), reader.child("matching"));
}

// "queue_hours", "handover" and "accept_within_hours" (issue 15).
void read_delivery(ObjectReader& reader, Purpose& purpose) {
  auto hours = [&](const char* name, int fallback) {
    const auto value = reader.integer(name, Presence::kOptional);
    if (value && (*value <= 0 || *value > kMaxQueueHours)) {
      reader.error(reader.child(name), "must be 1.." + std::to_string(kMaxQueueHours) + " hours");
    }
    return static_cast<int>(value.value_or(fallback));
  };
  purpose.queue_hours = hours("queue_hours", kDefaultQueueHours);
  purpose.accept_within_hours = hours("accept_within_hours", kDefaultAcceptWithinHours);
  purpose.handover = reader.boolean("handover", Presence::kOptional).value_or(false);
}

void read_purposes(ObjectReader& top, Guideline& out) {
  const json* purposes = top.object("purposes", Presence::kRequired);
  if (!purposes) return;
  for (const auto& [id, value] : purposes->items()) {
    const std::string pointer = pointer_append(top.child("purposes"), id);
    auto reader = top.nested(value, pointer);
    Purpose purpose;
    purpose.id = id;
    purpose.rule = cite(top.file(), pointer);
    purpose.title = reader.string("title", Presence::kRequired).value_or("");
    purpose.title_nl = reader.string("title_nl", Presence::kRequired).value_or("");
    purpose.processing_activity_id =
        reader.string("processing_activity_id", Presence::kRequired).value_or("");
    purpose.legal_bases =
        reader.strings("legal_bases", Presence::kRequired).value_or(std::vector<std::string>{});
    if (purpose.legal_bases.empty())
      reader.error(reader.child("legal_bases"), "must name a legal basis");
    purpose.themes =
        reader.strings("themes", Presence::kRequired).value_or(std::vector<std::string>{});
    purpose.senders = read_role_set(reader, "senders", out);
    purpose.recipients = read_role_set(reader, "recipients", out);
    auto retention = reader.integer("retention_days", Presence::kRequired);
    if (retention && *retention <= 0)
      reader.error(reader.child("retention_days"), "must be positive");
    purpose.retention_days = static_cast<int>(retention.value_or(0));
    read_matching(reader, out.roles, purpose);
    read_delivery(reader, purpose);
    read_levels(reader, out, purpose);
    read_inzage(reader, out.roles, purpose);
    reader.finish();
    out.purposes.emplace(id, std::move(purpose));
  }
}

Guideline read_guideline(const json& document, const std::string& file, ConfigErrors& errors) {
  Guideline out;
  ObjectReader top(document, file, "", errors);
  (void)top.string("version", Presence::kRequired);
  (void)top.string("title", Presence::kRequired);
  read_categories(top, out);
  read_fields(top, out);
  out.fhir = read_fhir_mapping(top, out.fields);
  read_roles(top, out);
  read_purposes(top, out);
  top.finish();
  return out;
}

// ---- region -----------------------------------------------------------------

std::vector<Partner> read_partners(ObjectReader& top, const Guideline& guideline,
                                   const NamedMap<MappedFormat>& formats) {
  std::vector<Partner> out;
  const json* partners = top.array("partners", Presence::kRequired);
  if (!partners) return out;
  std::set<std::string> ids;
  std::set<std::string> oins;
  for (std::size_t i = 0; i < partners->size(); ++i) {
    const std::string pointer = pointer_append(top.child("partners"), std::to_string(i));
    auto reader = top.nested((*partners)[i], pointer);
    Partner partner;
    partner.rule = cite(top.file(), pointer);
    partner.id = reader.string("id", Presence::kRequired).value_or("");
    partner.name = reader.string("name", Presence::kRequired).value_or("");
    partner.oin = reader.string("oin", Presence::kRequired).value_or("");
    partner.role = reader.string("role", Presence::kRequired).value_or("");
    partner.endpoint_url = reader.string("endpoint", Presence::kRequired).value_or("");
    // The OIN the endpoint's certificate carries: the partner's own unless the
    // region names another (a service provider hosting the endpoint).
    partner.endpoint_oin = reader.string("endpoint_oin", Presence::kOptional).value_or(partner.oin);
    partner.format = reader.string("format", Presence::kRequired).value_or("");
    partner.pseudonym_domain = reader.string("pseudonym_domain", Presence::kRequired).value_or("");
    partner.contact_points =
        reader.strings("contact_points", Presence::kOptional).value_or(std::vector<std::string>{});
    if (partner.pseudonym_domain == kSignalIndexDomain) {
      reader.error(reader.child("pseudonym_domain"),
                   "is the signal index's own domain, never a partner's");
    }
    if (crypto::is_transit_domain(partner.pseudonym_domain)) {
      reader.error(reader.child("pseudonym_domain"),
                   "starts with \"transit:\", which names a peer region's transit domain");
    }
    if (!partner.id.empty() && !ids.insert(partner.id).second) {
      reader.error(reader.child("id"), "duplicate partner id \"" + partner.id + "\"");
    }
    if (reader.is_object() && !is_oin(partner.oin)) {
      reader.error(reader.child("oin"), "must be a 20-digit OIN");
    } else if (!partner.oin.empty() && !oins.insert(partner.oin).second) {
      reader.error(reader.child("oin"), "duplicate OIN");
    }
    if (!partner.role.empty() && !guideline.roles.contains(partner.role)) {
      reader.error(reader.child("role"), "unknown role \"" + partner.role + "\"");
    }
    if (auto endpoint = parse_endpoint(partner.endpoint_url)) {
      partner.endpoint = *endpoint;
    } else if (reader.is_object()) {
      reader.error(reader.child("endpoint"), "must be an https://host:port/path URL");
    }
    if (reader.is_object() && !is_oin(partner.endpoint_oin)) {
      reader.error(reader.child("endpoint_oin"), "must be a 20-digit OIN");
    }
    if (partner.format.starts_with(kMappedJsonPrefix) &&
        !formats.contains(partner.format.substr(kMappedJsonPrefix.size()))) {
      reader.error(reader.child("format"), "names no format of this region's \"formats\"");
    }
    if (reader.is_object() && partner.pseudonym_domain.empty()) {
      reader.error(reader.child("pseudonym_domain"), "must not be empty");
    }
    reader.finish();
    out.push_back(std::move(partner));
  }
  return out;
}

void narrow_fields(ObjectReader& level_reader, const json& fields, const Guideline& guideline,
                   LevelPlan& plan) {
  LevelPlan overrides;
  read_level_fields(level_reader, fields, guideline, overrides);
  for (auto& [name, rule] : overrides.fields) {
    auto base = plan.fields.find(name);
    if (base == plan.fields.end()) {
      if (rule.transform != Transform::kDrop) {
        level_reader.error(
            pointer_append(level_reader.child("fields"), name),
            "widens the guideline: the guideline drops \"" + name + "\" at this level");
      }
      continue;
    }
    if (strength(rule.transform) < strength(base->second.transform)) {
      level_reader.error(pointer_append(level_reader.child("fields"), name),
                         "widens the guideline: \"" + std::string(to_string(rule.transform)) +
                             "\" is weaker than the guideline's \"" +
                             std::string(to_string(base->second.transform)) + "\"");
      continue;
    }
    base->second = rule;
  }
}

void narrow_levels(ObjectReader& reader, const json& levels, const Guideline& guideline,
                   Purpose& purpose) {
  for (const auto& [key, value] : levels.items()) {
    const std::string pointer = pointer_append(reader.child("levels"), key);
    auto level = parse_level_key(key);
    auto base = level ? purpose.levels.find(*level) : purpose.levels.end();
    if (base == purpose.levels.end()) {
      reader.error(pointer,
                   "widens the guideline: purpose \"" + purpose.id + "\" defines no level " + key);
      continue;
    }
    auto level_reader = reader.nested(value, pointer);
    if (level_reader.boolean("enabled", Presence::kOptional) == false) {
      purpose.levels.erase(base);
      level_reader.finish();
      continue;
    }
    if (auto subject = level_reader.string("subject", Presence::kOptional)) {
      auto action = parse_subject_action(*subject);
      if (!action) {
        level_reader.error(level_reader.child("subject"), "must be \"pseudonymise\" or \"bsn\"");
      } else if (*action == SubjectAction::kBsn && base->second.subject != SubjectAction::kBsn) {
        level_reader.error(level_reader.child("subject"),
                           "widens the guideline: the guideline pseudonymises the subject");
      } else {
        base->second.subject = *action;
        base->second.subject_rule = cite(reader.file(), level_reader.child("subject"));
      }
    }
    if (const json* fields = level_reader.object("fields", Presence::kOptional)) {
      narrow_fields(level_reader, *fields, guideline, base->second);
    }
    level_reader.finish();
  }
}

void narrow_partners(ObjectReader& reader, const std::vector<Partner>& partners, Purpose& purpose) {
  auto ids = reader.strings("partners", Presence::kOptional);
  if (!ids) return;
  for (std::size_t i = 0; i < ids->size(); ++i) {
    const std::string pointer = pointer_append(reader.child("partners"), std::to_string(i));
    auto it = std::ranges::find(partners, (*ids)[i], &Partner::id);
    if (it == partners.end()) {
      reader.error(pointer, "unknown partner \"" + (*ids)[i] + "\"");
      continue;
    }
    if (!purpose.senders.contains(it->role) && !purpose.recipients.contains(it->role)) {
      reader.error(pointer, "widens the guideline: role \"" + it->role +
                                "\" may neither send nor receive under \"" + purpose.id + "\"");
    }
    purpose.partners.insert(it->id);
  }
}

NamedMap<Purpose> read_enabled_purposes(ObjectReader& top, const Guideline& guideline,
                                        const std::vector<Partner>& partners) {
  NamedMap<Purpose> out;
  const json* purposes = top.object("purposes", Presence::kRequired);
  if (!purposes) return out;
  for (const auto& [id, value] : purposes->items()) {
    const std::string pointer = pointer_append(top.child("purposes"), id);
    auto reader = top.nested(value, pointer);
    auto base = guideline.purposes.find(id);
    if (base == guideline.purposes.end()) {
      reader.error(pointer, "widens the guideline: no purpose \"" + id + "\" in the guideline");
      continue;
    }
    Purpose purpose = base->second;
    purpose.region_rule = cite(top.file(), pointer);
    if (auto retention = reader.integer("retention_days", Presence::kOptional)) {
      if (*retention > purpose.retention_days || *retention <= 0) {
        reader.error(reader.child("retention_days"),
                     "widens the guideline: must be between 1 and the guideline's " +
                         std::to_string(purpose.retention_days) + " days");
      } else {
        purpose.retention_days = static_cast<int>(*retention);
      }
    }
    narrow_partners(reader, partners, purpose);
    narrow_region_work(reader, purpose);
    narrow_inzage(reader, guideline.roles, purpose);
    if (const json* levels = reader.object("levels", Presence::kOptional)) {
      narrow_levels(reader, *levels, guideline, purpose);
    }
    reader.finish();
    out.emplace(id, std::move(purpose));
  }
  return out;
}

// The redaction with the region's own names added to the gazetteer
// ("redaction": {"names": ["Spreeuwenberg", "van Oss"]}); null after an error.
std::shared_ptr<const Redactor> read_redactor(ObjectReader& top) {
  std::vector<std::string> names;
  if (const json* redaction = top.object("redaction", Presence::kOptional)) {
    auto reader = top.nested(*redaction, top.child("redaction"));
    names = reader.strings("names", Presence::kOptional).value_or(std::vector<std::string>{});
    for (std::size_t i = 0; i < names.size(); ++i) {
      redaction::Gazetteer one;
      if (auto added = one.add(names[i]); !added) {
        reader.error(reader.child("names") + "/" + std::to_string(i), added.error());
      }
    }
    reader.finish();
  }
  auto redactor = Redactor::create(names);
  if (!redactor) {
    top.error(top.child("redaction"), redactor.error());
    return nullptr;
  }
  return *redactor;
}

}  // namespace

std::expected<std::shared_ptr<const Policy>, ConfigErrors> load_policy(const PolicyFiles& files) {
  const std::string guideline_name = files.guideline.filename().string();
  const std::string region_name = files.region.filename().string();
  auto guideline_json = read_json_file(files.guideline, guideline_name);
  auto region_json = read_json_file(files.region, region_name);
  ConfigErrors errors;
  if (!guideline_json) errors.push_back(guideline_json.error());
  if (!region_json) errors.push_back(region_json.error());
  if (!errors.empty()) return std::unexpected(errors);

  Guideline guideline = read_guideline(*guideline_json, guideline_name, errors);
  ObjectReader region(*region_json, region_name, "", errors);
  const std::string region_title = region.string("region", Presence::kRequired).value_or("");
  auto formats = read_mapped_formats(region, guideline.fields);
  std::vector<Partner> partners = read_partners(region, guideline, formats);
  NamedMap<Purpose> enabled = read_enabled_purposes(region, guideline, partners);
  auto redactor = read_redactor(region);
  auto console_users = read_console_users(region);
  Peers peers;
  if (files.peers == PeerReading::kRead) {
    peers = read_peers(region, files.region.parent_path(), guideline.roles, enabled, partners);
  } else {
    region.handled("peers");
  }
  region.finish();
  if (!errors.empty()) return std::unexpected(errors);

  const std::string hash = "sha256:" + crypto::sha256_hex(guideline_json->dump() + "\n" +
                                                          region_json->dump() + peers.digest_input);
  return std::make_shared<const Policy>(
      guideline_name, region_name, region_title, hash, std::move(guideline.categories),
      std::move(guideline.fields), std::move(guideline.purposes), std::move(enabled),
      std::move(partners), std::move(redactor), std::move(formats), std::move(guideline.fhir),
      std::move(console_users), std::move(peers.regions), std::move(peers.partners));
}

}  // namespace schakel::policy
