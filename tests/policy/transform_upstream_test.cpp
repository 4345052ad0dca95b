// A message from a peer region arrives minimised by the peer's gateway; this
// region's plan applies on top and the stricter wins per field
// (policy/transform.hpp). A sweep over what the peer did and what this
// region's plan says, against an oracle written from the rule as the README
// states it, with the strengths listed here rather than taken from the model.
#include <gtest/gtest.h>

#include <map>

#include "policy/transform.hpp"
#include "tests/support/example_policy.hpp"
#include "tests/support/test_keys.hpp"

namespace schakel::policy {
namespace {

using namespace std::chrono;

// keep < generalisations < redact < pseudonymise < drop, as the model (policy/model.hpp) orders
// them.
int rank(Transform transform) {
  static const std::map<Transform, int> kRank = {
      {Transform::kKeep, 0},      {Transform::kYear, 1},   {Transform::kAgeBand, 1},
      {Transform::kPostcode4, 1}, {Transform::kRedact, 2}, {Transform::kPseudonymise, 3},
      {Transform::kDrop, 4}};
  return kRank.at(transform);
}

enum class Expect { kAsItCame, kPseudonymised, kAbsent, kOwnTransform };

Expect oracle(Transform peer, Transform here) {
  if (here == Transform::kDrop) return Expect::kAbsent;
  if (peer == Transform::kKeep) return Expect::kOwnTransform;
  if (peer == here || rank(peer) > rank(here)) return Expect::kAsItCame;
  if (here == Transform::kPseudonymise) return Expect::kPseudonymised;
  return Expect::kAbsent;
}

struct FieldCase {
  const char* field;
  std::vector<std::pair<Transform, nlohmann::json>> arrivals;  // what the peer did, what came
};

class TransformUpstreamTest : public ::testing::Test {
 protected:
  testing::TestKeys keys_;
  std::shared_ptr<const Policy> policy_ = testing::example_policy();
};

TEST_F(TransformUpstreamTest, TheStricterOfPeerAndPlanWinsFieldByField) {
  const std::vector<FieldCase> fields = {
      {"birth_date",
       {{Transform::kKeep, "1987-03-14"},
        {Transform::kYear, "1987"},
        {Transform::kAgeBand, "30-39"},
        {Transform::kPseudonymise, "f1.AAAAAAAAAAAAAAAAAAAAAA"}}},
      {"postcode", {{Transform::kKeep, "3511 AB"}, {Transform::kPostcode4, "3511"}}},
      {"care_request",
       {{Transform::kKeep, "Wil hulp."},
        {Transform::kRedact, "Wil hulp [naam]."},
        {Transform::kPseudonymise, "f1.BBBBBBBBBBBBBBBBBBBBBB"}}},
  };
  const Partner& sender = *policy_->partner_by_oin("00000001008901234000");
  const Partner& recipient = *policy_->partner_by_oin("00000001001234567000");
  const Purpose& purpose = *policy_->enabled_purpose("aftercare-after-detention");
  int checked = 0;
  for (const auto& field : fields) {
    const FieldSpec& spec = *policy_->field(field.field);
    for (int here_index = 0; here_index <= static_cast<int>(Transform::kDrop); ++here_index) {
      const auto here = static_cast<Transform>(here_index);
      if (!applies_to(here, spec.type) && here != Transform::kDrop) continue;
      for (const auto& [peer, value] : field.arrivals) {
        LevelPlan plan;
        plan.fields[field.field] = {here, "here"};
        plan.rule = "plan";
        const Decision decision{&sender, &recipient, &purpose, &plan};
        UpstreamActions upstream{{{field.field, peer}}, "peer"};
        const CanonicalMessage in{{SubjectId::Kind::kBsn, "999990019"},
                                  nlohmann::json{{field.field, value}}};
        auto subject = keys_.pseudonymiser().subject_of_bsn("999990019");
        auto out = Transformer(keys_.pseudonymiser())
                       .apply(*policy_, decision, in, subject, year{2026} / 11 / 25, &upstream);
        const std::string label = std::string(field.field) + " peer " +
                                  std::string(to_string(peer)) + " here " +
                                  std::string(to_string(here));
        ASSERT_TRUE(out.has_value()) << label << ": " << out.error().detail;
        const auto& data = out->message.data;
        switch (oracle(peer, here)) {
          case Expect::kAbsent:
            EXPECT_FALSE(data.contains(field.field)) << label;
            ASSERT_EQ(out->actions.size(), 1u) << label;
            EXPECT_EQ(out->actions[0].action, "drop") << label;
            break;
          case Expect::kAsItCame:
            EXPECT_EQ(data.value(field.field, nlohmann::json()), value) << label;
            EXPECT_EQ(out->actions[0].action, to_string(peer)) << label;
            EXPECT_EQ(out->actions[0].rule, peer == here ? "here" : "peer") << label;
            break;
          case Expect::kPseudonymised:
            EXPECT_TRUE(data.value(field.field, std::string()).starts_with("f1.")) << label;
            EXPECT_NE(data.value(field.field, nlohmann::json()), value) << label;
            EXPECT_EQ(out->actions[0].rule, "here") << label;
            break;
          case Expect::kOwnTransform:
            EXPECT_EQ(out->actions[0].action, to_string(here)) << label;
            EXPECT_EQ(out->actions[0].rule, "here") << label;
            break;
        }
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 30);
}

TEST_F(TransformUpstreamTest, ASubjectThePeerPseudonymisedStaysAPseudonymWhereThePlanPassesTheBsn) {
  const Partner& sender = *policy_->partner_by_oin("00000001002345678000");
  const Partner& recipient = *policy_->partner_by_oin("00000001006789012000");
  const Purpose& purpose = *policy_->enabled_purpose("criminal-case-referral");
  const LevelPlan& plan = purpose.levels.at(1);
  ASSERT_EQ(plan.subject, SubjectAction::kBsn);
  const Decision decision{&sender, &recipient, &purpose, &plan};
  auto subject = keys_.pseudonymiser().subject_of_bsn("999990019");
  const auto pseudonym = keys_.pseudonymiser().pseudonym(subject, "transit-test");
  ASSERT_TRUE(pseudonym.has_value());
  const CanonicalMessage in{{SubjectId::Kind::kPseudonym, *pseudonym}, nlohmann::json::object()};
  const UpstreamActions upstream{{}, "peer"};
  auto out = Transformer(keys_.pseudonymiser())
                 .apply(*policy_, decision, in, subject, year{2026} / 11 / 25, &upstream);
  ASSERT_TRUE(out.has_value()) << out.error().detail;
  EXPECT_FALSE(out->subject_as_bsn);
  EXPECT_EQ(out->message.subject.kind, SubjectId::Kind::kPseudonym);
  // Without a peer, the same plan asks for the BSN.
  auto own = Transformer(keys_.pseudonymiser())
                 .apply(*policy_, decision, in, subject, year{2026} / 11 / 25);
  EXPECT_FALSE(own.has_value());
}

}  // namespace
}  // namespace schakel::policy
