#include "policy/fhir_mapping_loader.hpp"

#include <algorithm>
#include <set>

namespace schakel::policy {
namespace {

using json = nlohmann::json;

bool leaf_carries(std::string_view fhir_type, FieldType type) {
  auto any_of = [&](std::initializer_list<std::string_view> types) {
    return std::ranges::find(types, fhir_type) != types.end();
  };
  switch (type) {
    case FieldType::kDate:
      return any_of({"date", "dateTime"});
    case FieldType::kString:
    case FieldType::kText:
    case FieldType::kPostcode:
    case FieldType::kPhone:
    case FieldType::kEmail:
      return any_of({"string", "markdown"});
    case FieldType::kEnum:
      return any_of({"code", "string"});
    case FieldType::kNumber:
      return any_of({"integer", "decimal", "unsignedInt", "positiveInt"});
    case FieldType::kBoolean:
      return fhir_type == "boolean";
    case FieldType::kObject:
    case FieldType::kArray:
      return false;
  }
  return false;
}

// "Patient.address.postalCode" against the schema; the error says why not.
std::expected<FhirPath, std::string> parse_path(std::string_view text) {
  FhirPath path{std::string(text), {}};
  const auto dot = text.find('.');
  const std::string_view resource = text.substr(0, dot);
  if (!fhir::is_accepted_resource(resource)) {
    return std::unexpected(
        "must start with a resource Schakel accepts (Patient, Observation, "
        "Condition, Flag, Encounter, RelatedPerson, Communication)");
  }
  if (dot == std::string_view::npos || dot + 1 == text.size()) {
    return std::unexpected("names a resource, not an element");
  }
  std::string owner(resource);
  for (auto rest = text.substr(dot + 1); !rest.empty();) {
    const auto next = rest.find('.');
    const auto name = rest.substr(0, next);
    const fhir::Element* step = fhir::element(owner, name);
    if (!step)
      return std::unexpected(owner + " has no element \"" + std::string(name) + "\" in R4");
    if (name == "extension" || name == "modifierExtension" || name == "contained" ||
        step->type == "Reference" || step->type == "Resource") {
      return std::unexpected("goes through " + owner + "." + std::string(name) +
                             ": extensions, contained resources and references are not mapped");
    }
    // An element R4 requires beside the next step would be missing from what the codec writes.
    if (!path.steps.empty() && !fhir::is_primitive(owner)) {
      for (const auto& sibling : fhir::elements_of(owner)) {
        if (sibling.required && fhir::choice_of(sibling) != fhir::choice_of(*step)) {
          return std::unexpected(owner + "." + std::string(sibling.name) +
                                 " is required in R4 beside " + std::string(name) +
                                 ": the codec would write it without");
        }
      }
    }
    path.steps.push_back(*step);
    owner = std::string(step->type);
    rest = next == std::string_view::npos ? std::string_view{} : rest.substr(next + 1);
    if (next != std::string_view::npos && rest.empty()) return std::unexpected("ends with a dot");
  }
  return path;
}

struct Reader {
  ObjectReader& fields;
  const std::map<std::string, FieldSpec, std::less<>>& catalogue;

  std::optional<FhirPath> path(ObjectReader& reader, std::string_view key, const FieldSpec& spec,
                               std::string_view resource) {
    const auto text = reader.string(key, Presence::kRequired);
    if (!text) return std::nullopt;
    auto parsed = parse_path(*text);
    if (parsed && !text->starts_with(std::string(resource) + ".")) {
      parsed = std::unexpected("must be an element of " + std::string(resource));
    }
    if (parsed && !leaf_carries(parsed->steps.back().type, spec.type)) {
      parsed = std::unexpected("is a FHIR " + std::string(parsed->steps.back().type) +
                               ", which cannot carry the catalogue type " +
                               std::string(to_string(spec.type)));
    }
    if (parsed && parsed->text.starts_with("Patient.identifier")) {
      parsed = std::unexpected("Patient.identifier carries the subject, no field");
    }
    if (!parsed) {
      reader.error(reader.child(key), parsed.error());
      return std::nullopt;
    }
    return *parsed;
  }

  std::optional<FhirCode> code(ObjectReader& reader, std::string_view resource) {
    const json* value = reader.object("code", Presence::kOptional);
    if (!value) return std::nullopt;
    auto code_reader = reader.nested(*value, reader.child("code"));
    const auto element = code_reader.string("element", Presence::kRequired);
    auto code = code_reader.string("code", Presence::kRequired);
    code_reader.finish();
    if (!element || !code) return std::nullopt;
    auto parsed = parse_path(*element);
    if (parsed && !element->starts_with(std::string(resource) + ".")) {
      parsed = std::unexpected("must be an element of " + std::string(resource));
    }
    if (parsed && parsed->steps.back().type != "CodeableConcept" &&
        parsed->steps.back().type != "Coding") {
      parsed = std::unexpected("must be a CodeableConcept or a Coding");
    }
    if (!parsed || code->empty()) {
      code_reader.error(code_reader.child(parsed ? "code" : "element"),
                        parsed ? "must not be empty" : parsed.error());
      return std::nullopt;
    }
    return FhirCode{std::move(*parsed), std::move(*code)};
  }

  std::optional<FhirFieldMapping> single(const std::string& field, const FieldSpec& spec,
                                         const json& value) {
    FhirFieldMapping out{field, {}, {}, {}, {}, fields.file() + "#" + fields.child(field)};
    if (value.is_string()) {
      const std::string text = value.get<std::string>();
      out.resource = text.substr(0, text.find('.'));
      out.element = path(fields, field, spec, out.resource);
      return out.element ? std::optional(std::move(out)) : std::nullopt;
    }
    fields.handled(field);
    if (!value.is_object()) {
      fields.error(fields.child(field), "must be an element path or {\"element\", \"code\"}");
      return std::nullopt;
    }
    auto reader = fields.nested(value, fields.child(field));
    const auto element = reader.string("element", Presence::kRequired);
    out.resource = element ? element->substr(0, element->find('.')) : "";
    out.element = element ? path(reader, "element", spec, out.resource) : std::nullopt;
    out.code = code(reader, out.resource);
    reader.finish();
    return out.element ? std::optional(std::move(out)) : std::nullopt;
  }

  std::optional<FhirFieldMapping> array(const std::string& field, const json& value) {
    fields.handled(field);
    if (!value.is_object()) {
      fields.error(fields.child(field),
                   "is an array field: map it as {\"resource\", \"code\", "
                   "\"fields\"}, one resource per element");
      return std::nullopt;
    }
    auto reader = fields.nested(value, fields.child(field));
    FhirFieldMapping out{field, {}, {}, {}, {}, reader.file() + "#" + reader.pointer()};
    out.resource = reader.string("resource", Presence::kRequired).value_or("");
    if (!out.resource.empty() && !fhir::is_accepted_resource(out.resource)) {
      reader.error(reader.child("resource"), "is no resource Schakel accepts");
    }
    out.code = code(reader, out.resource);
    if (const json* members = reader.object("fields", Presence::kRequired)) {
      auto members_reader = reader.nested(*members, reader.child("fields"));
      for (const auto& [member, text] : members->items()) {
        const auto spec = catalogue.find(field + "." + member);
        if (spec == catalogue.end() || spec->second.has_children) {
          members_reader.handled(member);
          members_reader.error(members_reader.child(member),
                               "is no member of " + field + " in the catalogue");
          continue;
        }
        if (auto at = path(members_reader, member, spec->second, out.resource)) {
          out.members.emplace_back(member, std::move(*at));
        }
      }
      members_reader.finish();
    }
    reader.finish();
    return out.resource.empty() || out.members.empty() ? std::nullopt : std::optional(out);
  }
};

bool overlaps(const std::string& a, const std::string& b) {
  return a == b || a.starts_with(b + ".") || b.starts_with(a + ".");
}

// The checks across fields: codes where they must be, one meaning per place.
void check_groups(ObjectReader& fields, const std::vector<FhirFieldMapping>& mappings) {
  std::map<std::string, std::vector<const FhirFieldMapping*>> groups;
  std::map<std::string, std::set<bool>> coded;  // per resource type: with code, without
  for (const auto& mapping : mappings) {
    groups[fhir_group(mapping)].push_back(&mapping);
    coded[mapping.resource].insert(mapping.code.has_value());
  }
  for (const auto& mapping : mappings) {
    const auto& group = groups[fhir_group(mapping)];
    const std::string where = mapping.rule.substr(mapping.rule.find('#') + 1);
    if (mapping.resource == "Patient" && mapping.code) {
      fields.error(where, "Patient is the subject, one per document: it takes no code");
    }
    if (coded[mapping.resource].size() > 1) {
      fields.error(where, mapping.resource + " is mapped both with and without a code: a " +
                              mapping.resource + " would match both");
    }
    if (!mapping.members.empty() && group.size() > 1) {
      fields.error(where,
                   "an array field's resources (" + fhir_group(mapping) + ") carry no other field");
    }
    for (const auto& element : fhir::elements_of(mapping.resource)) {
      if (!element.required) continue;
      const bool fixed = std::ranges::any_of(kFhirFixedElements, [&](const auto& f) {
        return f.resource == mapping.resource && f.element == element.name;
      });
      const bool by_code = mapping.code && mapping.code->element.steps.front().name == element.name;
      if (!fixed && !by_code) {
        fields.error(where, mapping.resource + "." + std::string(element.name) +
                                " is required in R4: give the mapping a code there");
      }
    }
    for (const auto* other : group) {
      if (other == &mapping || !mapping.element || !other->element) continue;
      if (overlaps(mapping.element->text, other->element->text) ||
          (mapping.code && overlaps(mapping.element->text, mapping.code->element.text))) {
        fields.error(where, "overlaps " + other->field + " (" + other->element->text +
                                "): one element, one meaning");
      }
    }
  }
}

}  // namespace

std::optional<FhirMapping> read_fhir_mapping(
    ObjectReader& guideline, const std::map<std::string, FieldSpec, std::less<>>& catalogue) {
  const json* value = guideline.object("fhir", Presence::kOptional);
  if (!value) return std::nullopt;
  auto top = guideline.nested(*value, guideline.child("fhir"));
  FhirMapping out;
  out.rule = top.file() + "#" + top.pointer();
  out.code_system = top.string("code_system", Presence::kRequired).value_or("");
  if (const json* fields = top.object("fields", Presence::kRequired)) {
    auto reader = top.nested(*fields, top.child("fields"));
    Reader read{reader, catalogue};
    for (const auto& [field, mapping] : fields->items()) {
      const auto spec = catalogue.find(field);
      if (spec == catalogue.end() || field.find('.') != std::string::npos) {
        reader.handled(field);
        reader.error(reader.child(field), "is no field of the guideline's catalogue");
        continue;
      }
      auto mapped = spec->second.type == FieldType::kArray
                        ? read.array(field, mapping)
                        : read.single(field, spec->second, mapping);
      if (mapped) out.fields.push_back(std::move(*mapped));
    }
    check_groups(reader, out.fields);
    reader.finish();
  }
  top.finish();
  return out;
}

}  // namespace schakel::policy
