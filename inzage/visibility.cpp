#include "inzage/visibility.hpp"

#include <map>
#include <string>

namespace schakel::inzage {

std::optional<policy::InzageRule> rule_kept_in(const nlohmann::json& record) {
  const auto details = record.find("details");
  if (details == record.end() || !details->is_object()) return std::nullopt;
  std::map<std::string, std::string> kept;
  for (const auto& [key, value] : details->items()) {
    if (value.is_string()) kept[key] = value.get<std::string>();
  }
  return policy::recorded_inzage_rule(kept);
}

Visibility visibility(const policy::InzageRule& rule, std::int64_t exchanged, std::int64_t now,
                      bool released) {
  using State = Visibility::State;
  switch (rule.mode) {
    case policy::InzageMode::kVisible:
      return {State::kVisible, std::nullopt};
    case policy::InzageMode::kWithheld:
      return {State::kWithheld, std::nullopt};
    case policy::InzageMode::kDeferred:
      break;
  }
  if (released && !rule.released_by.empty()) return {State::kLifted, std::nullopt};
  if (rule.defer_days == 0) return {State::kDeferred, std::nullopt};
  const std::int64_t from = exchanged + std::int64_t{rule.defer_days} * 86'400;
  if (now >= from) return {State::kLifted, std::nullopt};
  return {State::kDeferred, from};
}

}  // namespace schakel::inzage
