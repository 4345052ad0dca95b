#include "policy/mapped_format_loader.hpp"

#include <algorithm>
#include <vector>

#include "common/config_error.hpp"

namespace schakel::policy {
namespace {

using json = nlohmann::json;
using Pointer = json::json_pointer;

// A JSON pointer of the mapping at `key`, or nothing (with an error).
std::optional<Pointer> pointer_at(ObjectReader& reader, std::string_view key, Presence presence) {
  const auto text = reader.string(key, presence);
  if (!text) return std::nullopt;
  try {
    Pointer pointer(*text);
    if (pointer.empty()) {
      reader.error(reader.child(key), "must point into the document, not be the document");
      return std::nullopt;
    }
    return pointer;
  } catch (const json::exception&) {
    reader.error(reader.child(key), "is no JSON pointer (RFC 6901), e.g. \"/person/birthDate\"");
    return std::nullopt;
  }
}

// Whether one pointer is the other or lies inside it.
bool overlap(const Pointer& a, const Pointer& b) {
  const auto& shorter = a.to_string().size() <= b.to_string().size() ? a : b;
  const auto& longer = &shorter == &a ? b : a;
  const std::string prefix = shorter.to_string();
  const std::string text = longer.to_string();
  return text == prefix || text.starts_with(prefix + "/");
}

// Refuses a pointer that overlaps one already placed at this level.
void place(ObjectReader& reader, const std::string& where, const Pointer& pointer,
           std::vector<std::pair<Pointer, std::string>>& placed) {
  for (const auto& [other, other_where] : placed) {
    if (overlap(pointer, other)) {
      reader.error(where, "overlaps " + other_where + " (\"" + other.to_string() +
                              "\"): one place, one meaning");
      return;
    }
  }
  placed.emplace_back(pointer, where);
}

std::vector<FieldMapping> read_members(
    ObjectReader& array_reader, const json& members, const std::string& field,
    const std::map<std::string, FieldSpec, std::less<>>& catalogue) {
  std::vector<FieldMapping> out;
  auto reader = array_reader.nested(members, array_reader.child("fields"));
  std::vector<std::pair<Pointer, std::string>> placed;
  for (const auto& [member, value] : members.items()) {
    const auto spec = catalogue.find(field + "." + member);
    if (spec == catalogue.end() || spec->second.has_children) {
      reader.handled(member);
      reader.error(reader.child(member), spec == catalogue.end()
                                             ? "is no member of " + field + " in the guideline"
                                             : "nested arrays and objects are not mapped");
      continue;
    }
    if (auto pointer = pointer_at(reader, member, Presence::kRequired)) {
      place(reader, reader.child(member), *pointer, placed);
      out.push_back({member, *pointer, {}});
    }
  }
  reader.finish();
  return out;
}

std::optional<FieldMapping> read_field(
    ObjectReader& fields, const std::string& field, const json& value,
    const std::map<std::string, FieldSpec, std::less<>>& catalogue) {
  const auto spec = catalogue.find(field);
  if (spec == catalogue.end() || field.find('.') != std::string::npos) {
    fields.handled(field);
    fields.error(fields.child(field), "is no field of the guideline's catalogue");
    return std::nullopt;
  }
  const bool is_array = spec->second.type == FieldType::kArray;
  if (!is_array) {
    if (spec->second.has_children) {
      fields.handled(field);
      fields.error(fields.child(field), "an object field cannot be mapped whole");
      return std::nullopt;
    }
    auto pointer = pointer_at(fields, field, Presence::kRequired);
    if (!pointer) return std::nullopt;
    return FieldMapping{field, *pointer, {}};
  }
  fields.handled(field);
  if (!value.is_object()) {
    fields.error(fields.child(field),
                 "is an array field: map it as {\"array\": POINTER, \"fields\": {...}}");
    return std::nullopt;
  }
  auto reader = fields.nested(value, fields.child(field));
  auto pointer = pointer_at(reader, "array", Presence::kRequired);
  const json* members = reader.object("fields", Presence::kRequired);
  std::vector<FieldMapping> mapped;
  if (members) mapped = read_members(reader, *members, field, catalogue);
  reader.finish();
  if (!pointer || !members) return std::nullopt;
  return FieldMapping{field, *pointer, std::move(mapped)};
}

MappedFormat read_format(ObjectReader& reader, const std::string& name,
                         const std::map<std::string, FieldSpec, std::less<>>& catalogue) {
  MappedFormat format;
  format.name = name;
  format.rule = reader.file() + "#" + reader.pointer();
  std::vector<std::pair<Pointer, std::string>> placed;
  if (const json* subject = reader.object("subject", Presence::kRequired)) {
    auto subject_reader = reader.nested(*subject, reader.child("subject"));
    format.bsn = pointer_at(subject_reader, "bsn", Presence::kOptional);
    format.pseudonym = pointer_at(subject_reader, "pseudonym", Presence::kOptional);
    if (subject_reader.is_object() && !subject->contains("bsn") &&
        !subject->contains("pseudonym")) {
      subject_reader.error(subject_reader.pointer(), "needs \"bsn\", \"pseudonym\" or both");
    }
    if (format.bsn) place(subject_reader, subject_reader.child("bsn"), *format.bsn, placed);
    if (format.pseudonym) {
      place(subject_reader, subject_reader.child("pseudonym"), *format.pseudonym, placed);
    }
    subject_reader.finish();
  }
  if (const json* fields = reader.object("fields", Presence::kRequired)) {
    auto fields_reader = reader.nested(*fields, reader.child("fields"));
    for (const auto& [field, value] : fields->items()) {
      if (auto mapping = read_field(fields_reader, field, value, catalogue)) {
        place(fields_reader, fields_reader.child(field), mapping->pointer, placed);
        format.fields.push_back(std::move(*mapping));
      }
    }
    fields_reader.finish();
  }
  reader.finish();
  return format;
}

bool is_format_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::ranges::all_of(name, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

}  // namespace

std::map<std::string, MappedFormat, std::less<>> read_mapped_formats(
    ObjectReader& region, const std::map<std::string, FieldSpec, std::less<>>& catalogue) {
  std::map<std::string, MappedFormat, std::less<>> out;
  const json* formats = region.object("formats", Presence::kOptional);
  if (!formats) return out;
  for (const auto& [name, value] : formats->items()) {
    const std::string pointer = pointer_append(region.child("formats"), name);
    if (!is_format_name(name)) {
      region.error(pointer, "a format's name is lower-case letters, digits, - and _");
      continue;
    }
    auto reader = region.nested(value, pointer);
    out.emplace(name, read_format(reader, name, catalogue));
  }
  return out;
}

}  // namespace schakel::policy
