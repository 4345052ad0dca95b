#include "gateway/field_actions.hpp"

namespace schakel::gateway {

std::expected<policy::UpstreamActions, Problem> parse_field_actions(std::string_view text,
                                                                    const policy::Policy& policy,
                                                                    std::string rule) {
  const auto invalid = [&rule](const std::string& why) {
    return std::unexpected(
        make_problem(ProblemKind::kInvalidHeader, "Schakel-Field-Actions: " + why, rule));
  };
  policy::UpstreamActions out;
  out.rule = rule;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view pair = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (comma != std::string_view::npos && text.empty()) return invalid("ends with a comma");
    const auto equals = pair.find('=');
    if (equals == std::string_view::npos) return invalid("expected field=transform pairs");
    const std::string_view name = pair.substr(0, equals);
    const auto transform = policy::parse_transform(pair.substr(equals + 1));
    const policy::FieldSpec* spec = policy.field(name);
    if (!spec || spec->has_children) return invalid("names a field outside the catalogue");
    if (!transform || *transform == policy::Transform::kDrop ||
        !policy::applies_to(*transform, spec->type)) {
      return invalid("names no transform a passed field of its type can have had");
    }
    if (!out.fields.emplace(std::string(name), *transform).second) {
      return invalid("names a field twice");
    }
  }
  return out;
}

}  // namespace schakel::gateway
