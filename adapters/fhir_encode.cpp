// FhirCodec::encode (fhir_codec.hpp): a Bundle built from the canonical message alone.
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>

#include <re2/re2.h>

#include "adapters/fhir_codec.hpp"
#include "policy/fhir_mapping_loader.hpp"

namespace schakel::adapters {
namespace {

using json = nlohmann::json;

std::string new_urn_uuid() {
  std::array<unsigned char, 16> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40);  // version 4
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);  // RFC 9562 variant
  char text[48];
  std::snprintf(text, sizeof text,
                "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14],
                bytes[15]);
  return text;
}

// Whether `value` is a valid R4 value of the primitive `type`.
bool fits(const json& value, std::string_view type) {
  static const re2::RE2 kDate(R"(\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?)");
  static const re2::RE2 kDateTime(
      R"(\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00)))?)?)?)");
  static const re2::RE2 kCode(R"([^\s]+( [^\s]+)*)");
  if (type == "boolean") return value.is_boolean();
  if (type == "integer") {
    return value.is_number_integer() && value.get<double>() >= -2147483648.0 &&
           value.get<double>() <= 2147483647.0;
  }
  if (type == "unsignedInt") return value.is_number_integer() && value.get<double>() >= 0;
  if (type == "positiveInt") return value.is_number_integer() && value.get<double>() > 0;
  if (type == "decimal") return value.is_number();
  if (!value.is_string() || value.get_ref<const std::string&>().empty()) return false;
  const auto& text = value.get_ref<const std::string&>();
  if (type == "date") return re2::RE2::FullMatch(text, kDate);
  if (type == "dateTime") return re2::RE2::FullMatch(text, kDateTime);
  if (type == "code") return re2::RE2::FullMatch(text, kCode);
  return text.find_first_not_of(" \t\r\n") != std::string::npos;  // string, markdown
}

// Writes `value` at `path` below `resource`: an element that repeats becomes
// an array of one, intermediate objects are made on the way.
bool says_nothing(const json& value) {
  return value.is_null() || (value.is_string() && value.get_ref<const std::string&>().empty());
}

// R4 strings hold no control characters but tab, CR and LF: each other one
// becomes U+FFFD, so a text keeps its length and says it lost a character.
json without_controls(json value) {
  if (!value.is_string()) return value;
  const auto& text = value.get_ref<const std::string&>();
  if (std::ranges::none_of(text, [](char c) {
        return static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\r' && c != '\n';
      })) {
    return value;
  }
  std::string out;
  for (const char c : text) {
    const bool control =
        static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\r' && c != '\n';
    out += control ? std::string("\xEF\xBF\xBD") : std::string(1, c);
  }
  return out;
}

void write_at(json& resource, const policy::FhirPath& path, json value) {
  if (says_nothing(value)) return;  // FHIR has no empty strings; nothing to carry
  value = without_controls(std::move(value));
  json* node = &resource;
  for (std::size_t step = 0; step + 1 < path.steps.size(); ++step) {
    const auto& element = path.steps[step];
    json& child = (*node)[std::string(element.name)];
    if (element.repeats) {
      if (child.empty()) child = json::array({json::object()});
      node = &child.back();
    } else {
      node = &child;
    }
  }
  const auto& leaf = path.steps.back();
  const std::string name(leaf.name);
  if (policy::fhir::is_primitive(leaf.type) && !fits(value, leaf.type)) {
    // Generalised or redacted beyond what the primitive holds: an extension says what it is.
    json extension = {
        {"extension",
         json::array({{{"url", FhirCodec::kGeneralisedUrl},
                       {"valueString", value.is_string() ? value : json(value.dump())}}})}};
    (*node)["_" + name] = leaf.repeats ? json::array({std::move(extension)}) : std::move(extension);
    if (leaf.repeats) (*node)[name] = json::array({nullptr});
    return;
  }
  (*node)[name] = leaf.repeats ? json::array({std::move(value)}) : std::move(value);
}

json coding(const policy::FhirCode& code, std::string_view system) {
  json coding = {{"system", system}, {"code", code.code}};
  return code.element.steps.back().type == "Coding" ? coding
                                                    : json{{"coding", json::array({coding})}};
}

class BundleWriter {
 public:
  BundleWriter(const policy::FhirMapping& mapping, const policy::SubjectId& subject)
      : mapping_(mapping), patient_url_(new_urn_uuid()) {
    const bool bsn = subject.kind == policy::SubjectId::Kind::kBsn;
    json patient = {
        {"resourceType", "Patient"},
        {"identifier",
         json::array({{{"system", bsn ? FhirCodec::kBsnSystem : FhirCodec::kPseudonymSystem},
                       {"value", subject.value}}})}};
    entries_.push_back({{"fullUrl", patient_url_}, {"resource", std::move(patient)}});
  }

  // The resource of this field's resource type and code, made on first use.
  json& shared(const policy::FhirFieldMapping& field) {
    if (field.resource == "Patient") return entries_.front()["resource"];
    const std::string key = policy::fhir_group(field);
    if (const auto at = by_group_.find(key); at != by_group_.end()) {
      return entries_[at->second]["resource"];
    }
    by_group_.emplace(key, entries_.size());
    return fresh(field);
  }

  json& fresh(const policy::FhirFieldMapping& field) {
    json resource = {{"resourceType", field.resource}};
    for (const auto& fixed : policy::kFhirFixedElements) {
      if (fixed.resource != field.resource) continue;
      resource[std::string(fixed.element)] =
          fixed.value.empty() ? json{{"reference", patient_url_}} : json(fixed.value);
    }
    if (field.code)
      write_at(resource, field.code->element, coding(*field.code, mapping_.code_system));
    entries_.push_back({{"fullUrl", new_urn_uuid()}, {"resource", std::move(resource)}});
    return entries_.back()["resource"];
  }

  std::string finish() {
    return json{{"resourceType", "Bundle"}, {"type", "collection"}, {"entry", std::move(entries_)}}
        .dump();
  }

 private:
  const policy::FhirMapping& mapping_;
  std::string patient_url_;
  json entries_ = json::array();
  std::map<std::string, std::size_t> by_group_;
};

}  // namespace

std::expected<std::string, Problem> FhirCodec::encode(
    const policy::CanonicalMessage& message) const {
  BundleWriter bundle(mapping_, message.subject);
  for (const auto& field : mapping_.fields) {
    const auto value = message.data.find(field.field);
    if (value == message.data.end() || says_nothing(*value)) continue;
    if (field.element) {
      write_at(bundle.shared(field), *field.element, *value);
      continue;
    }
    if (!value->is_array()) {
      return std::unexpected(make_problem(ProblemKind::kInternal,
                                          field.field + " is no array in the canonical message",
                                          field.rule));
    }
    for (const auto& element : *value) {
      json& resource = bundle.fresh(field);
      for (const auto& [member, path] : field.members) {
        if (const auto found = element.find(member); found != element.end()) {
          write_at(resource, path, *found);
        }
      }
    }
  }
  return bundle.finish();
}

}  // namespace schakel::adapters
