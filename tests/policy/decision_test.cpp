#include "policy/decision.hpp"

#include <gtest/gtest.h>

#include "tests/support/example_policy.hpp"

namespace schakel::policy {
namespace {

struct Case {
  const char* sender;     // partner OIN
  const char* recipient;  // partner OIN
  const char* purpose;
  std::optional<int> level;
  std::optional<ProblemKind> refusal;  // nullopt: allowed
  const char* rule;
};

constexpr const char* kMunicipality = "00000001001234567000";
constexpr const char* kPolice = "00000001002345678000";
constexpr const char* kMentalHealth = "00000003003456789000";
constexpr const char* kVeiligThuis = "00000001004567890000";
constexpr const char* kZvh = "00000001005678901000";
constexpr const char* kProsecutor = "00000001006789012000";
constexpr const char* kProbation = "00000003007890123000";
constexpr const char* kPrison = "00000001008901234000";

class DecisionTable : public ::testing::TestWithParam<Case> {};

TEST_P(DecisionTable, DecidesAsThePolicySays) {
  const auto policy = testing::example_policy();
  const Case& c = GetParam();
  const Partner* sender = policy->partner_by_oin(c.sender);
  ASSERT_NE(sender, nullptr);
  auto decision = decide(*policy, *sender, c.recipient, c.purpose, c.level);
  if (!c.refusal) {
    ASSERT_TRUE(decision.has_value()) << decision.error().detail;
    EXPECT_EQ(decision->recipient->oin, c.recipient);
    EXPECT_EQ(decision->plan->level, c.level.value_or(decision->purpose->levels.begin()->first));
    return;
  }
  ASSERT_FALSE(decision.has_value()) << "allowed, expected a refusal";
  EXPECT_EQ(decision.error().kind, *c.refusal) << decision.error().detail;
  EXPECT_EQ(decision.error().rule, c.rule);
}

const Case kCases[] = {
    // purposes x roles x levels that the guideline and region allow
    {kPolice, kMentalHealth, "e33-confused-behaviour", 1, {}, ""},
    {kPolice, kMunicipality, "e33-confused-behaviour", 2, {}, ""},
    {kPolice, kZvh, "e33-confused-behaviour", 3, {}, ""},
    {kPolice, kMentalHealth, "e33-confused-behaviour", std::nullopt, {}, ""},
    {kMunicipality, kVeiligThuis, "domestic-violence-report", 1, {}, ""},
    {kMentalHealth, kVeiligThuis, "domestic-violence-report", 3, {}, ""},
    {kProbation, kZvh, "zvh-case-consultation", 2, {}, ""},
    {kPrison, kMunicipality, "aftercare-after-detention", 1, {}, ""},
    {kPrison, kProbation, "aftercare-after-detention", 2, {}, ""},
    {kPolice, kProsecutor, "criminal-case-referral", 1, {}, ""},
    {kMunicipality, kZvh, "radicalisation-signal", 2, {}, ""},
    // refusals, each citing its rule
    {kMunicipality, kMentalHealth, "e33-confused-behaviour", 1, ProblemKind::kRoleNotPermitted,
     "guideline.json#/purposes/e33-confused-behaviour/senders"},
    {kPolice, kVeiligThuis, "e33-confused-behaviour", 1, ProblemKind::kRoleNotPermitted,
     "guideline.json#/purposes/e33-confused-behaviour/recipients"},
    {kPrison, kZvh, "aftercare-after-detention", 1, ProblemKind::kRoleNotPermitted,
     "guideline.json#/purposes/aftercare-after-detention/recipients"},
    {kProbation, kZvh, "zvh-case-consultation", 1, ProblemKind::kLevelNotPermitted,
     "guideline.json#/purposes/zvh-case-consultation/levels"},
    {kPrison, kMunicipality, "aftercare-after-detention", 3, ProblemKind::kLevelNotPermitted,
     "guideline.json#/purposes/aftercare-after-detention/levels"},
    {kPolice, kZvh, "human-trafficking-signal", 1, ProblemKind::kPurposeNotPermitted,
     "region.json#/purposes"},
    {kPolice, kZvh, "gossip", 1, ProblemKind::kPurposeNotPermitted, "guideline.json#/purposes"},
    {kPolice, "00000001999999999000", "e33-confused-behaviour", 1, ProblemKind::kUnknownRecipient,
     "region.json#/partners"},
};

INSTANTIATE_TEST_SUITE_P(ExampleRegion, DecisionTable, ::testing::ValuesIn(kCases));

}  // namespace
}  // namespace schakel::policy
