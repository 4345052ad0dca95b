#include "policy/decision.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "tests/support/example_policy.hpp"
#include "tests/support/paths.hpp"

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

// Every purpose x every sender x every recipient x every level, against an
// oracle read straight from the raw guideline and region files.
struct Oracle {
  nlohmann::json guideline = nlohmann::json::parse(testing::read_file(testing::guideline_file()));
  nlohmann::json region = nlohmann::json::parse(testing::read_file(testing::example_region_file()));

  static bool listed(const nlohmann::json& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
  }
  [[nodiscard]] bool takes_part(const std::string& purpose, const nlohmann::json& partner,
                                bool sending) const {
    const auto& rules = guideline["purposes"][purpose];
    if (!listed(rules[sending ? "senders" : "recipients"], partner["role"])) return false;
    const auto& narrowed = region["purposes"][purpose];
    return !narrowed.contains("partners") || listed(narrowed["partners"], partner["id"]);
  }
  [[nodiscard]] bool level_enabled(const std::string& purpose, int level) const {
    const std::string key = std::to_string(level);
    if (!guideline["purposes"][purpose]["levels"].contains(key)) return false;
    const auto& narrowed = region["purposes"][purpose];
    return !narrowed.contains("levels") || !narrowed["levels"].contains(key) ||
           narrowed["levels"][key].value("enabled", true);
  }
  // nullopt: allowed.
  [[nodiscard]] std::optional<ProblemKind> expect(const std::string& purpose,
                                                  const nlohmann::json& sender,
                                                  const nlohmann::json& recipient,
                                                  int level) const {
    if (!region["purposes"].contains(purpose)) return ProblemKind::kPurposeNotPermitted;
    if (!takes_part(purpose, sender, true) || !takes_part(purpose, recipient, false)) {
      return ProblemKind::kRoleNotPermitted;
    }
    if (!level_enabled(purpose, level)) return ProblemKind::kLevelNotPermitted;
    return std::nullopt;
  }
};

TEST(DecisionSweep, EveryPurposeRoleAndLevelDecidesAsTheFilesSay) {
  const Oracle oracle;
  const auto policy = testing::example_policy();
  int allowed = 0, refused = 0;
  for (const auto& [purpose, rules] : oracle.guideline["purposes"].items()) {
    for (const auto& sender_json : oracle.region["partners"]) {
      const Partner* sender = policy->partner_by_oin(sender_json["oin"].get<std::string>());
      ASSERT_NE(sender, nullptr);
      for (const auto& recipient_json : oracle.region["partners"]) {
        for (int level = 1; level <= 3; ++level) {
          const auto expected = oracle.expect(purpose, sender_json, recipient_json, level);
          auto decision =
              decide(*policy, *sender, recipient_json["oin"].get<std::string>(), purpose, level);
          const std::string where = purpose + " " + sender_json["id"].get<std::string>() + " -> " +
                                    recipient_json["id"].get<std::string>() + " level " +
                                    std::to_string(level);
          if (!expected) {
            EXPECT_TRUE(decision.has_value()) << where << ": " << decision.error().detail;
            ++allowed;
          } else {
            ASSERT_FALSE(decision.has_value()) << where << " allowed";
            EXPECT_EQ(decision.error().kind, *expected) << where;
            EXPECT_FALSE(decision.error().rule.empty()) << where << ": no rule named";
            ++refused;
          }
        }
      }
    }
  }
  EXPECT_EQ(allowed + refused, 7 * 9 * 9 * 3);  // purposes, senders, recipients, levels
  EXPECT_GT(allowed, 20);
}

}  // namespace
}  // namespace schakel::policy
