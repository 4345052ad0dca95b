#include "adapters/mapped_json_codec.hpp"

#include "adapters/message_json.hpp"

namespace schakel::adapters {
namespace {

using json = nlohmann::json;
using Pointer = json::json_pointer;
using policy::SubjectId;

Problem malformed(std::string detail) {
  return make_problem(ProblemKind::kMalformedBody, std::move(detail));
}

// The value at `pointer`, or null when the document has none there. A
// pointer through a non-object (or an array index that is no number) has none.
const json* find(const json& document, const Pointer& pointer) {
  try {
    return &document.at(pointer);
  } catch (const json::exception&) {  // out_of_range, or a token that is no array index
    return nullptr;
  }
}

std::expected<SubjectId, Problem> read_subject(const json& document,
                                               const policy::MappedFormat& format) {
  const json* bsn = format.bsn ? find(document, *format.bsn) : nullptr;
  const json* pseudonym = format.pseudonym ? find(document, *format.pseudonym) : nullptr;
  if ((bsn == nullptr) == (pseudonym == nullptr)) {
    return std::unexpected(make_problem(
        ProblemKind::kInvalidSubject,
        bsn ? "the document holds both a BSN and a pseudonym: two identities, refused"
            : "the document holds no subject where format " + format.name + " maps it"));
  }
  const json& value = bsn ? *bsn : *pseudonym;
  if (!value.is_string()) {
    return std::unexpected(make_problem(ProblemKind::kInvalidSubject,
                                        "the subject must be a string in format " + format.name));
  }
  return SubjectId{bsn ? SubjectId::Kind::kBsn : SubjectId::Kind::kPseudonym,
                   value.get<std::string>()};
}

// Leaves (scalars, empty objects and arrays) of `value`, counted.
std::size_t leaves(const json& value) {
  if (value.is_object() || value.is_array()) {
    if (value.empty()) return 1;
    std::size_t count = 0;
    for (const auto& item : value) count += leaves(item);
    return count;
  }
  return 1;
}

// One array field, element by element: the mapped members of each element.
std::expected<json, Problem> read_array(const json& array, const policy::FieldMapping& mapping,
                                        std::size_t& used) {
  if (!array.is_array()) {
    return std::unexpected(malformed("the value mapped to " + mapping.field + " is no array"));
  }
  json out = json::array();
  for (const auto& element : array) {
    json item = json::object();
    for (const auto& member : mapping.members) {
      if (const json* value = find(element, member.pointer)) {
        item[member.field] = *value;
        used += leaves(*value);
      }
    }
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace

std::expected<policy::CanonicalMessage, Problem> MappedJsonCodec::decode(
    std::string_view body) const {
  auto parsed = parse_message_json(body, kMaxDepth);
  if (!parsed) return std::unexpected(malformed("body refused: " + parsed.error().describe()));
  const json& document = *parsed;
  if (!document.is_object()) return std::unexpected(malformed("body must be a JSON object"));
  auto subject = read_subject(document, format_);
  if (!subject) return std::unexpected(subject.error());
  policy::CanonicalMessage message{std::move(*subject), json::object(), 0, {}};
  std::size_t used = 1;  // the subject
  for (const auto& mapping : format_.fields) {
    const json* value = find(document, mapping.pointer);
    if (!value) continue;
    if (mapping.members.empty()) {
      message.data[mapping.field] = *value;
      used += leaves(*value);
      continue;
    }
    auto array = read_array(*value, mapping, used);
    if (!array) return std::unexpected(array.error());
    message.data[mapping.field] = std::move(*array);
  }
  const std::size_t all = leaves(document);
  message.unmapped_dropped = all > used ? all - used : 0;
  return message;
}

std::expected<std::string, Problem> MappedJsonCodec::encode(
    const policy::CanonicalMessage& message) const {
  const bool bsn = message.subject.kind == SubjectId::Kind::kBsn;
  const auto& at = bsn ? format_.bsn : format_.pseudonym;
  if (!at) {
    return std::unexpected(make_problem(ProblemKind::kInternal,
                                        std::string("format ") + format_.name +
                                            " has no place for the subject's " +
                                            (bsn ? "BSN" : "pseudonym"),
                                        format_.rule + "/subject"));
  }
  json document = json::object();
  document[*at] = message.subject.value;
  for (const auto& mapping : format_.fields) {
    const auto value = message.data.find(mapping.field);
    if (value == message.data.end()) continue;
    if (mapping.members.empty()) {
      document[mapping.pointer] = *value;
      continue;
    }
    json array = json::array();
    for (const auto& element : *value) {
      json item = json::object();
      for (const auto& member : mapping.members) {
        if (const auto found = element.find(member.field); found != element.end()) {
          item[member.pointer] = *found;
        }
      }
      array.push_back(std::move(item));
    }
    document[mapping.pointer] = std::move(array);
  }
  return document.dump();
}

}  // namespace schakel::adapters
