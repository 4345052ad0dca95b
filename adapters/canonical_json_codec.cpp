#include "adapters/canonical_json_codec.hpp"

#include "adapters/message_json.hpp"

namespace schakel::adapters {
namespace {

using policy::SubjectId;

Problem malformed(std::string detail) {
  return make_problem(ProblemKind::kMalformedBody, std::move(detail));
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
  // Strict: duplicate member names, integers beyond 2^53 and deep nesting are
  // refused; the detail never quotes the body (member names may be personal data).
  auto parsed = parse_message_json(body, kMaxDepth);
  if (!parsed) return std::unexpected(malformed("body refused: " + parsed.error().describe()));
  nlohmann::json& document = *parsed;
  if (!document.is_object()) return std::unexpected(malformed("body must be a JSON object"));
  for (const auto& [key, value] : document.items()) {
    if (key != "subject" && key != "data") {
      return std::unexpected(malformed("the body may hold only the members subject and data"));
    }
  }
  if (!document.contains("subject")) return std::unexpected(malformed("/subject is required"));
  if (!document.contains("data") || !document["data"].is_object()) {
    return std::unexpected(malformed("/data must be an object"));
  }
  auto subject = read_subject(document["subject"]);
  if (!subject) return std::unexpected(subject.error());
  return policy::CanonicalMessage{std::move(*subject), std::move(document["data"]), 0, {}};
}

std::expected<std::string, Problem> CanonicalJsonCodec::encode(
    const policy::CanonicalMessage& message) const {
  const char* key = message.subject.kind == SubjectId::Kind::kBsn ? "bsn" : "pseudonym";
  nlohmann::json document = {{"subject", {{key, message.subject.value}}}, {"data", message.data}};
  return document.dump();
}

}  // namespace schakel::adapters
