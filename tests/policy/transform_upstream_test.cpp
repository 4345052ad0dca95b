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

enum class Expect { kAsItCame, kRedactedAgain, kPseudonymised, kAbsent, kOwnTransform };

// A field pseudonym is always made anew for the recipient (the peer could compute the
// transit domain's), a redacted text always redacted again; the rest by strength.
Expect oracle(Transform peer, Transform here) {
  if (here == Transform::kDrop) return Expect::kAbsent;
  if (peer == Transform::kKeep) return Expect::kOwnTransform;
  if (peer == Transform::kPseudonymise) return Expect::kPseudonymised;
  if (peer == here || rank(peer) > rank(here)) {
    return peer == Transform::kRedact ? Expect::kRedactedAgain : Expect::kAsItCame;
  }
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
        {Transform::kAgeBand, "35-44"}}},
      {"offence_category",
       {{Transform::kKeep, "theft"},
        {Transform::kRedact, "theft"},
        {Transform::kPseudonymise, "f1.AAAAAAAAAAAAAAAAAAAAAA"}}},
      {"postcode", {{Transform::kKeep, "3511 AB"}, {Transform::kPostcode4, "3511"}}},
      {"care_request", {{Transform::kKeep, "Wil hulp."}, {Transform::kRedact, "Wil hulp [naam]."}}},
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
          case Expect::kRedactedAgain:
            EXPECT_TRUE(data.value(field.field, nlohmann::json()).is_string()) << label;
            EXPECT_EQ(out->actions[0].action, "redact") << label;
            EXPECT_TRUE(out->redacted.has_value()) << label << ": the redactor ran";
            break;
          case Expect::kPseudonymised:
            EXPECT_TRUE(data.value(field.field, std::string()).starts_with("f1.")) << label;
            EXPECT_NE(data.value(field.field, nlohmann::json()), value) << label;
            EXPECT_EQ(out->actions[0].action, "pseudonymise") << label;
            EXPECT_EQ(out->actions[0].rule, here == Transform::kPseudonymise ? "here" : "peer")
                << label;
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

// A peer's claim is checked against the value, never believed: what the claimed transform
// cannot have given refuses the message, citing the peer's entry; a text it calls redacted is
// redacted here again.
TEST_F(TransformUpstreamTest, WhatThePeerClaimsIsCheckedNotBelieved) {
  const Partner& sender = *policy_->partner_by_oin("00000001008901234000");
  const Partner& recipient = *policy_->partner_by_oin("00000001001234567000");
  const Purpose& purpose = *policy_->enabled_purpose("aftercare-after-detention");
  const LevelPlan& plan = purpose.levels.at(2);
  const Decision decision{&sender, &recipient, &purpose, &plan};
  auto subject = keys_.pseudonymiser().subject_of_bsn("999990019");
  const auto run = [&](const char* field, Transform claimed, nlohmann::json value) {
    const UpstreamActions upstream{{{field, claimed}}, "region.json#/peers/0"};
    const CanonicalMessage in{{SubjectId::Kind::kBsn, "999990019"},
                              nlohmann::json{{field, std::move(value)}}};
    return Transformer(keys_.pseudonymiser())
        .apply(*policy_, decision, in, subject, year{2026} / 11 / 25, &upstream);
  };
  const std::vector<std::tuple<const char*, Transform, nlohmann::json>> lies = {
      {"birth_date", Transform::kYear, "1987-03-14"},
      {"birth_date", Transform::kAgeBand, "37"},
      {"birth_date", Transform::kAgeBand, "25-44"},
      {"birth_date", Transform::kPseudonymise, "1987-03-14"},
      {"birth_date", Transform::kPseudonymise, {{"bsn", "999990019"}}},
      {"postcode", Transform::kPostcode4, "3511 AB"},
      {"postcode", Transform::kPostcode4, nlohmann::json::array({"3511 AB", "Jan Jansen"})},
      {"care_request", Transform::kRedact, {{"name", "Jan Jansen"}}},
      {"care_request", Transform::kYear, "1987"},  // no year of a text
  };
  for (const auto& [field, claimed, value] : lies) {
    auto out = run(field, claimed, value);
    ASSERT_FALSE(out.has_value()) << field << " " << to_string(claimed) << " " << value.dump();
    EXPECT_EQ(out.error().kind, ProblemKind::kInvalidField);
    EXPECT_EQ(out.error().rule, "region.json#/peers/0");
    EXPECT_EQ(out.error().detail.find("1987"), std::string::npos) << "never echoes the value";
  }
  auto redacted = run("care_request", Transform::kRedact,
                      "Jan Jansen wil hulp bij schulden, BSN 999990019, tel 06-12345678.");
  ASSERT_TRUE(redacted.has_value()) << redacted.error().detail;
  const std::string text = redacted->message.data["care_request"];
  EXPECT_EQ(text.find("999990019"), std::string::npos) << text;
  EXPECT_EQ(text.find("06-12345678"), std::string::npos) << text;
  EXPECT_EQ(text.find("Jansen"), std::string::npos) << text;
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
