#pragma once
// The Schakel-Field-Actions header between two regions' gateways (issue 20):
// what the sending gateway did to each catalogued field it passed on, so that
// the receiving gateway applies the stricter of that and its own plan
// (policy/transform.hpp). "field=transform" pairs joined by ","
// ("birth_date=year,summary=redact"); a field it passed unchanged may be
// named "=keep" or left out; a dropped field is not there to name. Field
// names are the guideline's catalogue paths, never values. Refused (citing
// `rule`, the peer's entry): a field outside the catalogue or a container, an
// unknown transform, "drop" or one that does not apply to the field's type, a
// field named twice, anything else that is not the grammar.
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "common/problem.hpp"
#include "policy/model.hpp"
#include "policy/transform.hpp"

namespace schakel::gateway {

// `actions`: entries with `field` and `action` — the transform's FieldAction
// or the decision record's audit::FieldEntry alike.
template <typename Actions>
[[nodiscard]] std::string format_field_actions(const Actions& actions) {
  std::string out;
  for (const auto& action : actions) {
    if (action.action == policy::to_string(policy::Transform::kDrop)) continue;
    if (!out.empty()) out += ',';
    out += action.field + "=" + action.action;
  }
  return out;
}
[[nodiscard]] std::expected<policy::UpstreamActions, Problem> parse_field_actions(
    std::string_view text, const policy::Policy& policy, std::string rule);

}  // namespace schakel::gateway
