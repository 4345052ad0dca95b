#pragma once
// What the region's endpoints share in reading a request body: strict JSON
// (message_json.hpp: duplicate member names and deep nesting refused), string
// members, the subject as in messages ({"bsn": ...} or {"pseudonym": ...} of
// the sender's domain) and the person it names — as the signal index
// pseudonym and the audit token, never kept as a BSN.
#include <expected>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/problem.hpp"
#include "crypto/pseudonymiser.hpp"
#include "policy/model.hpp"

namespace schakel::region {

[[nodiscard]] std::expected<nlohmann::json, Problem> parse_body(std::string_view body);
// A body the endpoint cannot read: malformed-body with `detail`.
[[nodiscard]] Problem malformed_body(std::string detail);
// Refuses a member the endpoint does not take: never ignored.
[[nodiscard]] std::optional<Problem> only_members(const nlohmann::json& body,
                                                  std::initializer_list<std::string_view> members);
[[nodiscard]] const std::string* string_member(const nlohmann::json& object, std::string_view key);

struct Person {
  std::string index;  // pseudonym in policy::kSignalIndexDomain at kSignalIndexEpoch
  std::string token;  // audit token
};

[[nodiscard]] std::expected<Person, Problem> person_of(const nlohmann::json& body,
                                                       const policy::Partner& sender,
                                                       const crypto::Pseudonymiser& pseudonymiser);

}  // namespace schakel::region
