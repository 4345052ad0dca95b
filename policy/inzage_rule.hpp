#pragma once
// Inzage (issue 19): whether and when the person sees, in the answer to their
// access request, the exchanges about them under a purpose. AVG art. 23, with
// the Wpg, the Wjsg and the Wet politiegegevens as grounds, lets a purpose
// keep them back:
//   visible   shown at once (the default);
//   deferred  hidden until `defer_days` after the exchange, or until a
//             partner of role `released_by` releases it (whichever is
//             first; at least one of the two is set);
//   withheld  never shown to the person.
// What is kept back stays visible to the privacy officer, with its ground.
// A region may only make a purpose's inzage stricter (mode later in the
// order above; a deferral longer, never a new releasing role).
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace schakel::policy {

enum class InzageMode { kVisible, kDeferred, kWithheld };  // in order of strictness

struct InzageRule {
  InzageMode mode = InzageMode::kVisible;
  std::string ground;       // the legal ground (required unless visible)
  int defer_days = 0;       // kDeferred: 0 = until released only
  std::string released_by;  // kDeferred: a role that may release; empty: none
  std::string rule;         // where the rule in force was set (file#pointer)
};

inline constexpr int kMaxDeferDays = 5 * 365;

[[nodiscard]] std::string_view to_string(InzageMode mode);
[[nodiscard]] std::optional<InzageMode> parse_inzage_mode(std::string_view text);

// The rule in force when an exchange was decided, as its audit record keeps
// it (details "inzage", "inzage_days", "inzage_released_by"): nothing a
// region changes later — loosening or disabling the purpose — undoes it
// (inzage/report.hpp applies the stricter of this and the rule of the day).
void record_inzage_rule(const InzageRule& rule, std::map<std::string, std::string>& details);
// Nothing when the details hold no rule (a record from before) or a malformed one.
[[nodiscard]] std::optional<InzageRule> recorded_inzage_rule(
    const std::map<std::string, std::string>& details);

}  // namespace schakel::policy
