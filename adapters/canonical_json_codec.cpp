#include "adapters/canonical_json_codec.hpp"

namespace schakel::adapters {
namespace {

using policy::SubjectId;

Problem malformed(std::string detail) {
  return make_problem(ProblemKind::kMalformedBody, std::move(detail));
}

// Deepest nesting of arrays and objects, ignoring brackets inside strings.
int nesting_depth(std::string_view body) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

std::expected<SubjectId, Problem> read_subject(const nlohmann::json& subject) {
  if (!subject.is_object()) return std::unexpected(malformed("/subject must be an object"));
  const bool has_bsn = subject.contains("bsn");
  const bool has_pseudonym = subject.contains("pseudonym");
  if (has_bsn == has_pseudonym || subject.size() != 1) {
    return std::unexpected(make_problem(ProblemKind::kInvalidSubject,
                                        "/subject must hold exactly one of bsn or pseudonym"));
  }
  const auto& value = has_bsn ? subject["bsn"] : subject["pseudonym"];
  if (!value.is_string()) {
    return std::unexpected(make_problem(
        ProblemKind::kInvalidSubject,
        has_bsn ? "/subject/bsn must be a string" : "/subject/pseudonym must be a string"));
  }
  return SubjectId{has_bsn ? SubjectId::Kind::kBsn : SubjectId::Kind::kPseudonym,
                   value.get<std::string>()};
}

}  // namespace

std::expected<policy::CanonicalMessage, Problem> CanonicalJsonCodec::decode(
    std::string_view body) const {
  if (nesting_depth(body) > kMaxDepth) {
    return std::unexpected(
        malformed("nesting deeper than " + std::to_string(kMaxDepth) + " levels"));
  }
  auto document = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return std::unexpected(malformed("body is not valid JSON"));
  if (!document.is_object()) return std::unexpected(malformed("body must be a JSON object"));
  for (const auto& [key, value] : document.items()) {
    if (key != "subject" && key != "data") {
      return std::unexpected(malformed("unexpected member /" + key));
    }
  }
  if (!document.contains("subject")) return std::unexpected(malformed("/subject is required"));
  if (!document.contains("data") || !document["data"].is_object()) {
    return std::unexpected(malformed("/data must be an object"));
  }
  auto subject = read_subject(document["subject"]);
  if (!subject) return std::unexpected(subject.error());
  return policy::CanonicalMessage{std::move(*subject), std::move(document["data"])};
}

std::string CanonicalJsonCodec::encode(const policy::CanonicalMessage& message) const {
  const char* key = message.subject.kind == SubjectId::Kind::kBsn ? "bsn" : "pseudonym";
  nlohmann::json document = {{"subject", {{key, message.subject.value}}}, {"data", message.data}};
  return document.dump();
}

}  // namespace schakel::adapters
