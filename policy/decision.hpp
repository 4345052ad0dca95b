#pragma once
// Stage policy.decide: may this sender send this purpose at this level to this
// recipient? Either the plan to apply or the refusal citing the rule that
// refused. Pure function of the policy; holds no state. The recipient is a
// partner of this region or, when none has the OIN, of the one peer region
// whose directory lists it (two: refused as ambiguous); a message to or from
// a peer region's partner crosses only under a purpose the peer's entry lets
// cross that way, and never from one peer region on to another.
#include <expected>
#include <optional>
#include <string_view>

#include "common/problem.hpp"
#include "policy/model.hpp"

namespace schakel::policy {

struct Decision {
  const Partner* sender = nullptr;
  const Partner* recipient = nullptr;
  const Purpose* purpose = nullptr;
  const LevelPlan* plan = nullptr;
};

// Whether the region lets `partner` take part in `purpose` at all (the
// region's "partners" list for it; empty: every partner): nothing, or the
// refusal citing the region's rule. Messages, signals and cases all ask it.
[[nodiscard]] std::optional<Problem> regional_refusal(const Purpose& purpose,
                                                      const Partner& partner);

[[nodiscard]] std::expected<Decision, Problem> decide(const Policy& policy, const Partner& sender,
                                                      std::string_view recipient_oin,
                                                      std::string_view purpose_id,
                                                      std::optional<int> level);

}  // namespace schakel::policy
