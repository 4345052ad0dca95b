#include "region/request_body.hpp"

#include <algorithm>

#include "adapters/message_json.hpp"
#include "policy/transform.hpp"

namespace schakel::region {

using json = nlohmann::json;

std::expected<json, Problem> parse_body(std::string_view body) {
  auto parsed = adapters::parse_message_json(body, 8);
  if (!parsed) {
    return std::unexpected(
        make_problem(ProblemKind::kMalformedBody, "body refused: " + parsed.error().describe()));
  }
  if (!parsed->is_object()) {
    return std::unexpected(make_problem(ProblemKind::kMalformedBody, "body must be a JSON object"));
  }
  return std::move(*parsed);
}

Problem malformed_body(std::string detail) {
  return make_problem(ProblemKind::kMalformedBody, std::move(detail));
}

std::optional<Problem> only_members(const json& body,
                                    std::initializer_list<std::string_view> members) {
  for (const auto& [key, unused] : body.items()) {
    if (std::ranges::find(members, key) == members.end()) {
      return make_problem(ProblemKind::kMalformedBody,
                          "a member this endpoint does not take; it takes only its own");
    }
  }
  return std::nullopt;
}

const std::string* string_member(const json& object, std::string_view key) {
  const auto at = object.find(key);
  return at != object.end() && at->is_string() ? &at->get_ref<const std::string&>() : nullptr;
}

std::expected<Person, Problem> person_of(const json& body, const policy::Partner& sender,
                                         const crypto::Pseudonymiser& pseudonymiser) {
  const auto subject = body.find("subject");
  const bool one = subject != body.end() && subject->is_object() && subject->size() == 1;
  const auto kind = one ? subject->begin().key() : std::string();
  if (!one || (kind != "bsn" && kind != "pseudonym") || !subject->begin()->is_string()) {
    return std::unexpected(make_problem(ProblemKind::kInvalidSubject,
                                        "subject must be {\"bsn\": ...} or {\"pseudonym\": ...}"));
  }
  const policy::SubjectId id{
      kind == "bsn" ? policy::SubjectId::Kind::kBsn : policy::SubjectId::Kind::kPseudonym,
      subject->begin()->get<std::string>()};
  auto resolved = policy::resolve_subject(id, sender, pseudonymiser);
  if (!resolved) return std::unexpected(resolved.error());
  auto index =
      pseudonymiser.pseudonym_at(*resolved, policy::kSignalIndexDomain, policy::kSignalIndexEpoch);
  auto token = pseudonymiser.audit_token(*resolved);
  if (!index || !token) {
    return std::unexpected(make_problem(ProblemKind::kAuditUnavailable,
                                        "the person's index pseudonym or audit token failed"));
  }
  return Person{std::move(*index), std::move(*token)};
}

}  // namespace schakel::region
