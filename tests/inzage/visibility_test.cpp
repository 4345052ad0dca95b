// Which exchanges the person sees now: every rule of a set, at moments
// around its deferral's end, released or not, against an oracle written
// from the issue's words ("a deferred exchange is invisible to the person
// until its date, or until its release by the named role; a withheld one
// never shows").
#include "inzage/visibility.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace schakel::inzage {
namespace {

using policy::InzageMode;
using policy::InzageRule;
using State = Visibility::State;

TEST(VisibilityTest, EveryRuleMomentAndReleaseAgainstTheOracle) {
  const std::vector<InzageRule> rules = {
      {InzageMode::kVisible, "", 0, "", ""},
      {InzageMode::kWithheld, "g", 0, "", ""},
      {InzageMode::kDeferred, "g", 90, "", ""},
      {InzageMode::kDeferred, "g", 0, "prosecutor", ""},
      {InzageMode::kDeferred, "g", 30, "veilig_thuis", ""},
  };
  const std::int64_t exchanged = 1'780'000'000;
  const std::int64_t day = 86'400;
  int checked = 0;
  for (const auto& rule : rules) {
    for (const std::int64_t after : {std::int64_t{0}, 29 * day, 30 * day - 1, 30 * day, 89 * day,
                                     90 * day - 1, 90 * day, 3650 * day}) {
      for (const bool released : {false, true}) {
        const auto got = visibility(rule, exchanged, exchanged + after, released);
        const bool date_passed = rule.defer_days > 0 && after >= rule.defer_days * day;
        const bool release_counts = released && !rule.released_by.empty();
        bool expected_shown = false;
        if (rule.mode == InzageMode::kVisible) expected_shown = true;
        if (rule.mode == InzageMode::kDeferred) expected_shown = date_passed || release_counts;
        EXPECT_EQ(got.shown(), expected_shown)
            << "mode " << static_cast<int>(rule.mode) << " days " << rule.defer_days << " after "
            << after << " released " << released;
        if (rule.mode == InzageMode::kDeferred && !expected_shown) {
          EXPECT_EQ(got.state, State::kDeferred);
          if (rule.defer_days > 0) {
            EXPECT_EQ(got.visible_from, exchanged + rule.defer_days * day);
          } else {
            EXPECT_FALSE(got.visible_from.has_value());
          }
        }
        if (rule.mode == InzageMode::kDeferred && expected_shown) {
          EXPECT_EQ(got.state, State::kLifted);
        }
        if (rule.mode == InzageMode::kWithheld) {
          EXPECT_EQ(got.state, State::kWithheld);
        }
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 80);
}

}  // namespace
}  // namespace schakel::inzage
