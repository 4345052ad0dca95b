// FhirCodec::decode (fhir_codec.hpp): resources, subject, fields, what was dropped.
#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "adapters/fhir_codec.hpp"
#include "adapters/message_json.hpp"
#include "policy/fhir_mapping_loader.hpp"

namespace schakel::adapters {
namespace {

using json = nlohmann::json;
using policy::SubjectId;

Problem invalid(std::string detail) {
  return make_problem(ProblemKind::kInvalidFhir, std::move(detail));
}
Problem two_identities(std::string detail) {
  return make_problem(ProblemKind::kInvalidSubject,
                      std::move(detail) + ": two identities, refused");
}

const std::string* string_member(const json& object, std::string_view key) {
  const auto at = object.find(key);
  return at != object.end() && at->is_string() ? &at->get_ref<const std::string&>() : nullptr;
}

// Refuses any array of more than kMaxItems (the parser bounds the depth).
bool within_items(const json& value) {
  if (value.is_array() && value.size() > FhirCodec::kMaxItems) return false;
  if (!value.is_structured()) return true;
  for (const auto& item : value) {
    if (!within_items(item)) return false;
  }
  return true;
}

struct Resource {
  const json* body;
  std::string type;
  std::string full_url;
};

// What decoding used of the document: the rest is dropped.
struct Used {
  std::unordered_set<const json*> nodes;    // used whole
  std::unordered_set<const json*> on_path;  // holds a used node
};

std::expected<std::vector<Resource>, Problem> read_resources(const json& document, Used& used) {
  const std::string* type = string_member(document, "resourceType");
  if (!type) return std::unexpected(invalid("resourceType must be a string"));
  if (*type == "Bundle" &&
      (document.contains("implicitRules") || document.contains("modifierExtension"))) {
    return std::unexpected(
        invalid("Bundle.implicitRules or modifierExtension: a modifier Schakel "
                "cannot understand changes what the Bundle means"));
  }
  if (*type != "Bundle") {
    if (!policy::fhir::is_accepted_resource(*type)) {
      return std::unexpected(make_problem(
          ProblemKind::kUnsupportedResource,
          "a resource type Schakel does not accept: a Bundle (collection or message) or one of "
          "Patient, Observation, Condition, Flag, Encounter, RelatedPerson, Communication"));
    }
    return std::vector<Resource>{{&document, *type, ""}};
  }
  const std::string* bundle_type = string_member(document, "type");
  if (!bundle_type || (*bundle_type != "collection" && *bundle_type != "message")) {
    return std::unexpected(make_problem(ProblemKind::kUnsupportedResource,
                                        "Bundle.type must be collection or message"));
  }
  used.nodes.insert(&document["type"]);
  std::vector<Resource> out;
  const auto entries = document.find("entry");
  if (entries == document.end()) return out;
  if (!entries->is_array()) return std::unexpected(invalid("Bundle.entry must be an array"));
  used.on_path.insert(&*entries);
  for (const auto& entry : *entries) {
    const auto resource = entry.is_object() ? entry.find("resource") : entry.end();
    if (resource == entry.end() || !resource->is_object()) {
      return std::unexpected(invalid("each Bundle.entry must hold a resource object"));
    }
    const std::string* resource_type = string_member(*resource, "resourceType");
    if (!resource_type) return std::unexpected(invalid("resourceType must be a string"));
    const bool header = *resource_type == "MessageHeader";
    if (header != (*bundle_type == "message" && out.empty())) {
      return std::unexpected(make_problem(
          ProblemKind::kUnsupportedResource,
          header ? "a MessageHeader only opens a Bundle of type message"
                 : (*bundle_type == "message" && out.empty()
                        ? "a Bundle of type message starts with its MessageHeader"
                        : "a Bundle entry holds a resource type Schakel does not accept")));
    }
    if (!header && !policy::fhir::is_accepted_resource(*resource_type)) {
      return std::unexpected(make_problem(
          ProblemKind::kUnsupportedResource,
          "a Bundle entry holds a resource type Schakel does not accept: Patient, Observation, "
          "Condition, Flag, Encounter, RelatedPerson, Communication"));
    }
    const std::string* full_url = string_member(entry, "fullUrl");
    if (entry.contains("fullUrl") && !full_url) {
      return std::unexpected(invalid("Bundle.entry.fullUrl must be a string"));
    }
    used.on_path.insert(&entry);
    if (full_url) used.nodes.insert(&entry["fullUrl"]);
    out.push_back({&*resource, *resource_type, full_url ? *full_url : ""});
  }
  return out;
}

// The identifier's subject, if its system is one of the two Schakel reads.
std::expected<std::optional<SubjectId>, Problem> subject_of_identifier(const json& identifier,
                                                                       std::string_view where) {
  if (!identifier.is_object())
    return std::unexpected(invalid(std::string(where) + " must be an object"));
  const std::string* system = string_member(identifier, "system");
  if (!system || (*system != FhirCodec::kBsnSystem && *system != FhirCodec::kPseudonymSystem)) {
    return std::nullopt;
  }
  const std::string* value = string_member(identifier, "value");
  if (!value) {
    return std::unexpected(
        make_problem(ProblemKind::kInvalidSubject, std::string(where) + ".value must be a string"));
  }
  return SubjectId{
      *system == FhirCodec::kBsnSystem ? SubjectId::Kind::kBsn : SubjectId::Kind::kPseudonym,
      *value};
}

bool same(const SubjectId& a, const SubjectId& b) {
  return a.kind == b.kind && a.value == b.value;
}

std::expected<std::optional<SubjectId>, Problem> patient_subject(const json& patient, Used& used) {
  const auto identifiers = patient.find("identifier");
  if (identifiers == patient.end()) return std::nullopt;
  if (!identifiers->is_array())
    return std::unexpected(invalid("Patient.identifier must be an array"));
  std::optional<SubjectId> subject;
  for (const auto& identifier : *identifiers) {
    auto found = subject_of_identifier(identifier, "Patient.identifier");
    if (!found) return std::unexpected(found.error());
    if (!*found) continue;
    if (subject) {
      return std::unexpected(
          two_identities(subject->kind == (*found)->kind && subject->kind == SubjectId::Kind::kBsn
                             ? "the Patient holds two BSN identifiers"
                             : "the Patient holds more than one BSN or pseudonym identifier"));
    }
    subject = **found;
    used.nodes.insert(&identifier);
    used.on_path.insert(&*identifiers);
  }
  return subject;
}

std::string_view subject_element(std::string_view type) {
  return type == "RelatedPerson" ? "patient" : "subject";
}

// The one subject of the document, and every resource's reference to it.
std::expected<SubjectId, Problem> read_subject(const std::vector<Resource>& resources, Used& used) {
  const Resource* patient = nullptr;
  std::optional<SubjectId> subject;
  for (const auto& resource : resources) {
    if (resource.type != "Patient") continue;
    if (patient) return std::unexpected(two_identities("the document holds two Patients"));
    patient = &resource;
    auto found = patient_subject(*resource.body, used);
    if (!found) return std::unexpected(found.error());
    if (!*found) {
      return std::unexpected(make_problem(ProblemKind::kInvalidSubject,
                                          "the Patient holds no identifier of system " +
                                              std::string(FhirCodec::kBsnSystem) + " or " +
                                              std::string(FhirCodec::kPseudonymSystem)));
    }
    subject = **found;
  }
  for (const auto& resource : resources) {
    if (resource.type == "Patient" || resource.type == "MessageHeader") continue;
    const std::string where = resource.type + "." + std::string(subject_element(resource.type));
    const auto reference = resource.body->find(subject_element(resource.type));
    if (reference == resource.body->end() || !reference->is_object()) {
      return std::unexpected(
          invalid(where + " must name the Patient the " + resource.type + " is about"));
    }
    // Each of reference and identifier, when present, must name the one subject.
    const std::string* text = string_member(*reference, "reference");
    const auto identifier = reference->find("identifier");
    if (!text && identifier == reference->end()) {
      return std::unexpected(invalid(where + " names no one: a reference or an identifier"));
    }
    if (text) {
      const std::string* id = patient ? string_member(*patient->body, "id") : nullptr;
      if (!patient || !((!patient->full_url.empty() && *text == patient->full_url) ||
                        (id && *text == "Patient/" + *id))) {
        return std::unexpected(two_identities(
            where +
            ".reference names no one, or someone other than the Patient (its fullUrl "
            "or Patient/id)"));
      }
    }
    if (identifier != reference->end()) {
      auto found = subject_of_identifier(*identifier, where + ".identifier");
      if (!found) return std::unexpected(found.error());
      if (*found && !subject) subject = **found;
      if (!*found || !same(**found, *subject)) {
        return std::unexpected(two_identities(where + ".identifier names someone other than the " +
                                              std::string(patient ? "Patient" : "first subject")));
      }
    }
    // The reference and identifier are used; a display or anything else beside them is dropped.
    used.on_path.insert(&*reference);
    if (text) used.nodes.insert(&*reference->find("reference"));
    if (identifier != reference->end()) used.nodes.insert(&*identifier);
  }
  if (!subject) {
    return std::unexpected(make_problem(ProblemKind::kInvalidSubject,
                                        "the document names no subject: a Patient with a BSN "
                                        "or pseudonym identifier"));
  }
  return *subject;
}

// What the codec writes itself (policy::kFhirFixedElements) is no loss when
// the sender wrote the same; another status is dropped, and named.
void use_fixed(const std::vector<Resource>& resources, Used& used) {
  for (const auto& resource : resources) {
    for (const auto& fixed : policy::kFhirFixedElements) {
      const auto at = resource.body->find(fixed.element);
      if (fixed.resource == resource.type && !fixed.value.empty() && at != resource.body->end() &&
          at->is_string() && at->get_ref<const std::string&>() == fixed.value) {
        used.nodes.insert(&*at);
      }
    }
  }
}

// A status that takes back what the resource says (cancelled, not-done,
// entered-in-error, refuted, ...) is refused; so is any status other than the
// one the codec writes (policy::kFhirFixedElements), which would change it.
std::optional<Problem> refuse_status(const Resource& resource) {
  static constexpr std::string_view kNegating[] = {"entered-in-error", "cancelled", "not-done",
                                                   "refuted",          "stopped",   "aborted"};
  auto negating = [](const json& code) {
    return code.is_string() &&
           std::ranges::find(kNegating, code.get_ref<const std::string&>()) != std::end(kNegating);
  };
  for (const char* element : {"status", "verificationStatus"}) {
    const auto at = resource.body->find(element);
    if (at == resource.body->end()) continue;
    const json* code = negating(*at) ? &*at : nullptr;
    if (at->is_object() && at->contains("coding") && (*at)["coding"].is_array()) {
      for (const auto& coding : (*at)["coding"]) {
        if (coding.is_object() && coding.contains("code") && negating(coding["code"])) {
          code = &coding["code"];
        }
      }
    }
    if (code) {  // one of kNegating, no value of the partner's own
      return invalid(resource.type + "." + element + " is " + code->get<std::string>() +
                     ": the resource takes back what it says");
    }
  }
  const std::string* status = string_member(*resource.body, "status");
  for (const auto& fixed : policy::kFhirFixedElements) {
    if (fixed.resource != resource.type || fixed.element != "status" || !status) continue;
    const bool amended =
        resource.type == "Observation" && (*status == "amended" || *status == "corrected");
    if (*status != fixed.value && !amended) {
      return invalid(resource.type + ".status must be " + std::string(fixed.value) +
                     ": Schakel passes on what is, not what is planned or in progress");
    }
  }
  return std::nullopt;
}

// A choice element (value[x]) given in two forms is two values for one element.
std::optional<Problem> refuse_two_forms(const json& object, std::string_view owner,
                                        const std::string& where) {
  std::map<std::string, std::string> forms;  // choice -> the form given
  for (const auto& [key, value] : object.items()) {
    const auto* element = policy::fhir::element(owner, key);
    if (!element) continue;
    const std::string choice = policy::fhir::choice_of(*element);
    if (choice == key) continue;
    if (!forms.emplace(choice, key).second) {
      return invalid(where + "." + choice + "[x] is given in two forms: ambiguous, refused");
    }
  }
  return std::nullopt;
}

std::optional<Problem> refuse_modifiers(const std::vector<Resource>& resources) {
  for (const auto& resource : resources) {
    if (auto problem = refuse_status(resource)) return problem;
    if (auto problem = refuse_two_forms(*resource.body, resource.type, resource.type)) {
      return problem;
    }
    for (const char* modifier : {"modifierExtension", "implicitRules"}) {
      if (resource.body->contains(modifier)) {
        return invalid(resource.type + "." + modifier +
                       ": a modifier Schakel cannot understand changes what the resource means");
      }
    }
  }
  return std::nullopt;
}

bool holds_primitive(const json& value, std::string_view type) {
  if (type == "boolean") return value.is_boolean();
  if (type == "integer" || type == "unsignedInt" || type == "positiveInt") {
    return value.is_number_integer();
  }
  if (type == "decimal") return value.is_number();
  return value.is_string();
}

// The values at `path` below `node`, step by step; marks what it passes.
std::optional<Problem> collect(const json& node, const policy::FhirPath& path, std::size_t step,
                               std::string where, std::vector<const json*>& out, Used& used) {
  const auto& element = path.steps[step];
  where += "." + std::string(element.name);
  const auto value = node.find(element.name);
  if (value == node.end()) return std::nullopt;
  if (element.repeats != value->is_array()) {
    return invalid(where + (element.repeats ? " must be an array" : " must not be an array") +
                   " (R4)");
  }
  const bool leaf = step + 1 == path.steps.size();
  auto visit = [&](const json& item) -> std::optional<Problem> {
    if (leaf) {
      if (policy::fhir::is_primitive(element.type) && !holds_primitive(item, element.type)) {
        return invalid(where + " must be a FHIR " + std::string(element.type));
      }
      out.push_back(&item);
      return std::nullopt;
    }
    if (!item.is_object()) return invalid(where + " must be an object (R4)");
    if (item.contains("modifierExtension")) {
      return invalid(where +
                     ".modifierExtension: a modifier Schakel cannot understand changes "
                     "what the element means");
    }
    if (auto problem = refuse_two_forms(item, element.type, where)) return problem;
    used.on_path.insert(&item);
    return collect(item, path, step + 1, where, out, used);
  };
  if (!element.repeats) return visit(*value);
  used.on_path.insert(&*value);
  for (const auto& item : *value) {
    if (auto problem = visit(item)) return problem;
  }
  return std::nullopt;
}

std::expected<bool, Problem> has_code(const Resource& resource, const policy::FhirCode& code,
                                      std::string_view system, Used& used) {
  std::vector<const json*> found;
  if (auto problem = collect(*resource.body, code.element, 0, resource.type, found, used)) {
    return std::unexpected(*problem);
  }
  auto matches = [&](const json& coding) {
    const std::string* coding_system =
        coding.is_object() ? string_member(coding, "system") : nullptr;
    const std::string* coding_code = coding.is_object() ? string_member(coding, "code") : nullptr;
    return coding_system && coding_code && *coding_system == system && *coding_code == code.code;
  };
  const bool coding_element = code.element.steps.back().type == "Coding";
  for (const json* node : found) {
    if (!node->is_object()) {
      return std::unexpected(invalid(code.element.text + " must be an object"));
    }
    if (coding_element) {
      if (!matches(*node)) continue;
      used.nodes.insert(node);
      return true;
    }
    const auto codings = node->find("coding");
    if (codings == node->end()) continue;
    if (!codings->is_array()) {
      return std::unexpected(invalid(code.element.text + ".coding must be an array"));
    }
    for (const auto& coding : *codings) {
      if (!matches(coding)) continue;
      // Only the matching coding is used: a text or other codings beside it are dropped, named.
      used.nodes.insert(&coding);
      used.on_path.insert(&*codings);
      used.on_path.insert(node);
      return true;
    }
  }
  return false;
}

// A dateTime carries a catalogue date (the loader maps no other field to
// one): its own day, "2026-11-22T10:00:00+01:00" -> "2026-11-22".
json as_field(const policy::FhirPath& path, const json& value) {
  const auto type = path.steps.back().type;
  if ((type == "dateTime" || type == "instant") && value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (text.size() > 10 && text[10] == 'T') return text.substr(0, 10);
  }
  return value;
}

class FieldReader {
 public:
  FieldReader(const policy::FhirMapping& mapping, const std::vector<Resource>& resources,
              Used& used)
      : mapping_(mapping), resources_(resources), used_(used) {}

  std::optional<Problem> read(const policy::FhirFieldMapping& field, json& data) {
    std::vector<const Resource*> matching;
    for (const auto& resource : resources_) {
      if (resource.type != field.resource) continue;
      auto coded = field.code ? has_code(resource, *field.code, mapping_.code_system, used_)
                              : std::expected<bool, Problem>(true);
      if (!coded) return coded.error();
      if (!*coded) continue;
      // One resource, one meaning: the codes of two groups on it are ambiguous.
      const std::string group = policy::fhir_group(field);
      const auto [claim, fresh] = claimed_.emplace(resource.body, std::pair(group, field.field));
      if (!fresh && claim->second.first != group) {
        return invalid("one " + resource.type + " carries the codes of both " +
                       claim->second.second + " and " + field.field + ": ambiguous, refused");
      }
      matching.push_back(&resource);
    }
    if (field.element) {
      auto value = single(field.field, *field.element, matching);
      if (!value) return value.error();
      if (*value) data[field.field] = as_field(*field.element, **value);
      return std::nullopt;
    }
    json array = json::array();
    for (const Resource* resource : matching) {
      json item = json::object();
      for (const auto& [member, path] : field.members) {
        auto value = single(field.field + "." + member, path, {resource});
        if (!value) return value.error();
        if (*value) item[member] = as_field(path, **value);
      }
      array.push_back(std::move(item));
    }
    if (!array.empty()) data[field.field] = std::move(array);
    return std::nullopt;
  }

 private:
  // One value for `name` across `resources`, or null; two are ambiguous.
  std::expected<const json*, Problem> single(const std::string& name, const policy::FhirPath& path,
                                             const std::vector<const Resource*>& resources) {
    std::vector<const json*> values;
    for (const Resource* resource : resources) {
      if (auto problem = collect(*resource->body, path, 0, resource->type, values, used_)) {
        return std::unexpected(*problem);
      }
    }
    if (values.size() > 1) {
      return std::unexpected(
          invalid("two values for " + name + " (" + path.text + "): ambiguous, refused"));
    }
    if (values.empty()) return nullptr;
    used_.nodes.insert(values.front());
    return values.front();
  }

  const policy::FhirMapping& mapping_;
  const std::vector<Resource>& resources_;
  Used& used_;
  std::unordered_map<const json*, std::pair<std::string, std::string>> claimed_;  // group, field
};

std::size_t leaves(const json& value) {
  if (!value.is_structured() || value.empty()) return 1;
  std::size_t count = 0;
  for (const auto& item : value) count += leaves(item);
  return count;
}

// Names and counts what `used` does not cover, below an element of R4 type `owner`.
class DroppedWalker {
 public:
  DroppedWalker(const Used& used, std::set<std::string>& names, std::size_t& count)
      : used_(used), names_(names), count_(count) {}

  void object(const json& node, std::string_view owner, const std::string& where) {
    for (const auto& [key, value] : node.items()) {
      if (used_.nodes.contains(&value) || key == "resourceType") continue;
      const bool extension = key.starts_with('_');
      const auto* element = policy::fhir::element(owner, extension ? key.substr(1) : key);
      const std::string name = element ? where + "." + key : where + ".(unknown element)";
      if (!element || !used_.on_path.contains(&value)) {
        drop(name, value);
        continue;
      }
      if (!value.is_array()) {
        object(value, element->type, name);
        continue;
      }
      for (const auto& item : value) {
        if (used_.nodes.contains(&item)) continue;
        if (used_.on_path.contains(&item)) {
          object(item, element->type, name);
        } else {
          drop(name, item);
        }
      }
    }
  }

 private:
  void drop(const std::string& name, const json& value) {
    names_.insert(name);
    count_ += leaves(value);
  }

  const Used& used_;
  std::set<std::string>& names_;
  std::size_t& count_;
};

void name_dropped(const json& document, const std::vector<Resource>& resources, const Used& used,
                  policy::CanonicalMessage& message) {
  std::set<std::string> names;
  DroppedWalker walker(used, names, message.unmapped_dropped);
  for (const auto& resource : resources) {
    walker.object(*resource.body, resource.type, resource.type);
  }
  if (string_member(document, "resourceType") && document["resourceType"] == "Bundle") {
    Used bundle = used;  // the resources were walked above
    for (const auto& resource : resources) bundle.nodes.insert(resource.body);
    DroppedWalker(bundle, names, message.unmapped_dropped).object(document, "Bundle", "Bundle");
  }
  message.dropped_elements.assign(names.begin(), names.end());
}

}  // namespace

std::expected<policy::CanonicalMessage, Problem> FhirCodec::decode(std::string_view body) const {
  auto parsed = parse_message_json(body, kMaxDepth);
  if (!parsed) {
    return std::unexpected(
        make_problem(ProblemKind::kMalformedBody, "body refused: " + parsed.error().describe()));
  }
  const json& document = *parsed;
  if (!document.is_object()) {
    return std::unexpected(make_problem(ProblemKind::kMalformedBody, "body must be a JSON object"));
  }
  if (!within_items(document)) {
    return std::unexpected(make_problem(
        ProblemKind::kTooManyItems,
        "an array of the body holds more than " + std::to_string(kMaxItems) + " items"));
  }
  Used used;
  auto resources = read_resources(document, used);
  if (!resources) return std::unexpected(resources.error());
  if (auto problem = refuse_modifiers(*resources)) return std::unexpected(*problem);
  use_fixed(*resources, used);
  auto subject = read_subject(*resources, used);
  if (!subject) return std::unexpected(subject.error());
  policy::CanonicalMessage message{std::move(*subject), json::object(), 0, {}};
  FieldReader fields(mapping_, *resources, used);
  for (const auto& field : mapping_.fields) {
    if (auto problem = fields.read(field, message.data)) return std::unexpected(*problem);
  }
  name_dropped(document, *resources, used, message);
  return message;
}

}  // namespace schakel::adapters
