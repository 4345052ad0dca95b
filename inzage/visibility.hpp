#pragma once
// Whether the person sees an exchange in their inzage now (issue 19), from
// its purpose's rule (policy/inzage_rule.hpp): one pure function, so that
// the portal's answer, `audit export --subject` and the console agree.
#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

#include "policy/inzage_rule.hpp"

namespace schakel::inzage {

struct Visibility {
  enum class State {
    kVisible,   // the purpose shows it (VNG: vertrouwelijkheid "normaal")
    kLifted,    // deferred, and its period passed or it was released ("opgeheven")
    kDeferred,  // deferred and still hidden ("vertrouwelijk")
    kWithheld,  // never shown to the person ("vertrouwelijk")
  };
  State state = State::kVisible;
  // kDeferred with a period: the moment it becomes visible (seconds since the epoch).
  std::optional<std::int64_t> visible_from;

  [[nodiscard]] bool shown() const { return state == State::kVisible || state == State::kLifted; }
};

// The rule a decision's audit record kept (policy::record_inzage_rule), from
// the record's JSON body; nothing for a record without one.
[[nodiscard]] std::optional<policy::InzageRule> rule_kept_in(const nlohmann::json& record);

// `exchanged` and `now` in seconds since the epoch; `released`: a partner of
// the rule's releasing role released this exchange.
[[nodiscard]] Visibility visibility(const policy::InzageRule& rule, std::int64_t exchanged,
                                    std::int64_t now, bool released);

}  // namespace schakel::inzage
