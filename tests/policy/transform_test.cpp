#include "policy/transform.hpp"

#include <gtest/gtest.h>

#include "tests/support/example_policy.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/test_keys.hpp"

namespace schakel::policy {
namespace {

using namespace std::chrono;

class TransformTest : public ::testing::Test {
 protected:
  std::expected<TransformedMessage, Problem> run(const char* sender, const char* recipient,
                                                 const char* purpose, int level,
                                                 const CanonicalMessage& message) {
    const Partner* from = policy_->partner_by_oin(sender);
    auto decision = decide(*policy_, *from, recipient, purpose, level);
    EXPECT_TRUE(decision.has_value());
    auto subject = resolve_subject(message.subject, *from, keys_.pseudonymiser());
    EXPECT_TRUE(subject.has_value());
    Transformer transformer(keys_.pseudonymiser());
    return transformer.apply(*policy_, *decision, message, *subject, year{2026} / 11 / 25);
  }

  CanonicalMessage message(nlohmann::json data) {
    return {{SubjectId::Kind::kBsn, "999990019"}, std::move(data)};
  }

  const std::string* action_of(const TransformedMessage& out, const std::string& field) {
    for (const auto& action : out.actions) {
      if (action.field == field) return &action.action;
    }
    return nullptr;
  }

  testing::TestKeys keys_;
  std::shared_ptr<const Policy> policy_ = testing::example_policy();
};

constexpr const char* kPolice = "00000001002345678000";
constexpr const char* kMentalHealth = "00000003003456789000";
constexpr const char* kMunicipality = "00000001001234567000";
constexpr const char* kVeiligThuis = "00000001004567890000";
constexpr const char* kProsecutor = "00000001006789012000";

TEST_F(TransformTest, KeepsOnlyWhatTheLevelNamesAndSaysWhy) {
  auto out = run(kPolice, kMentalHealth, "e33-confused-behaviour", 1,
                 message({{"incident_code", "E33"},
                          {"birth_date", "1987-03-14"},
                          {"diagnosis", "F20"},
                          {"favourite_colour", "blue"}}));
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->message.data, (nlohmann::json{{"incident_code", "E33"}, {"birth_date", "1987"}}));
  EXPECT_EQ(*action_of(*out, "diagnosis"), "drop");
  EXPECT_FALSE(action_of(*out, "favourite_colour")) << "a name outside the catalogue is not noted";
  EXPECT_EQ(out->unknown_fields_dropped, 1u);
  EXPECT_EQ(*action_of(*out, "birth_date"), "year");
  for (const auto& action : out->actions) {
    if (action.field == "diagnosis") {
      EXPECT_EQ(action.rule, "guideline.json#/purposes/e33-confused-behaviour/levels/1/fields");
    }
  }
}

TEST_F(TransformTest, MemberNamesOutsideTheCatalogueAreCountedNeverNamed) {
  auto out = run(kPolice, kMentalHealth, "e33-confused-behaviour", 2,
                 message({{"gert-jan hofstede", "x"},
                          {"g.hofstede@probe-mail.nl", 1},
                          {"0612345678", true},
                          {"incident_code", "E33"}}));
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->unknown_fields_dropped, 3u);
  for (const auto& action : out->actions) {
    EXPECT_EQ(action.field.find("hofstede"), std::string::npos);
    EXPECT_EQ(action.field.find("0612345678"), std::string::npos);
  }
  EXPECT_EQ(out->message.data, (nlohmann::json{{"incident_code", "E33"}}));
}

TEST_F(TransformTest, PseudonymisesTheSubjectIntoTheRecipientsDomain) {
  auto to_ggz = run(kPolice, kMentalHealth, "e33-confused-behaviour", 1, message({}));
  auto to_gemeente = run(kPolice, kMunicipality, "e33-confused-behaviour", 1, message({}));
  ASSERT_TRUE(to_ggz && to_gemeente);
  EXPECT_EQ(to_ggz->message.subject.kind, SubjectId::Kind::kPseudonym);
  EXPECT_NE(to_ggz->message.subject.value, to_gemeente->message.subject.value);
}

TEST_F(TransformTest, PassesTheBsnOnlyWhereThePurposeRequiresIt) {
  auto out = run(kPolice, kProsecutor, "criminal-case-referral", 1, message({}));
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->message.subject.kind, SubjectId::Kind::kBsn);
  EXPECT_EQ(out->message.subject.value, "999990019");
}

TEST_F(TransformTest, PseudonymisesIdentifierFieldsPerRecipientDomain) {
  auto first = run(kMunicipality, kVeiligThuis, "domestic-violence-report", 2,
                   message({{"client_number", "WIJK-2026-0042"}}));
  auto second = run(kMunicipality, kVeiligThuis, "domestic-violence-report", 2,
                    message({{"client_number", "WIJK-2026-0042"}}));
  ASSERT_TRUE(first && second);
  const auto value = first->message.data["client_number"].get<std::string>();
  EXPECT_TRUE(value.starts_with("f1."));
  EXPECT_EQ(value, second->message.data["client_number"]);
  EXPECT_EQ(value.find("0042"), std::string::npos);
}

TEST_F(TransformTest, RefusesAFieldThatDoesNotMatchItsTypeWithoutEchoingIt) {
  auto out = run(kPolice, kMentalHealth, "e33-confused-behaviour", 1,
                 message({{"birth_date", "14 maart 1987"}}));
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().kind, ProblemKind::kInvalidField);
  EXPECT_EQ(out.error().detail.find("maart"), std::string::npos);
  EXPECT_NE(out.error().detail.find("/data/birth_date"), std::string::npos);
}

TEST_F(TransformTest, ArraysOfObjectsAreMinimisedFieldByField) {
  const nlohmann::json incidents =
      nlohmann::json::array({{{"date", "2026-08-02"},
                              {"code", "HG-1"},
                              {"summary", "buurman belde 06-87654321"},
                              {"postcode", "3512 CD"},
                              {"reported_by", "J. de Vries"},
                              {"weapon", "none"}},
                             {{"date", "2026-10-14"}, {"code", "HG-2"}, {"postcode", "3512CD"}}});
  auto out = run(kMunicipality, kVeiligThuis, "domestic-violence-report", 2,
                 message({{"earlier_incidents", incidents}}));
  ASSERT_TRUE(out.has_value()) << out.error().detail;
  const auto& kept = out->message.data["earlier_incidents"];
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0],
            (nlohmann::json{{"date", "2026-08-02"}, {"code", "HG-1"}, {"postcode", "3512"}}));
  EXPECT_EQ(kept[1],
            (nlohmann::json{{"date", "2026-10-14"}, {"code", "HG-2"}, {"postcode", "3512"}}));
  EXPECT_EQ(*action_of(*out, "earlier_incidents.postcode"), "postcode4");
  EXPECT_EQ(*action_of(*out, "earlier_incidents.reported_by"), "drop");
  EXPECT_EQ(*action_of(*out, "earlier_incidents.summary"), "drop");
  EXPECT_FALSE(action_of(*out, "earlier_incidents.weapon")) << "not in the catalogue: not named";
  EXPECT_GE(out->unknown_fields_dropped, 1u);
  std::size_t postcode_actions = 0;
  for (const auto& action : out->actions)
    postcode_actions += action.field == "earlier_incidents.postcode";
  EXPECT_EQ(postcode_actions, 1u) << "one action per catalogue path, not per array item";

  auto level3 = run(kMunicipality, kVeiligThuis, "domestic-violence-report", 3,
                    message({{"earlier_incidents", incidents}}));
  ASSERT_TRUE(level3.has_value());
  EXPECT_EQ(level3->message.data["earlier_incidents"][0]["summary"], "buurman belde [PHONE]");
}

TEST_F(TransformTest, AContainerNoFieldOfWhichIsNamedIsDroppedWhole) {
  auto out =
      run(kMunicipality, kVeiligThuis, "domestic-violence-report", 1,
          message({{"earlier_incidents", nlohmann::json::array({{{"date", "2026-08-02"}}})}}));
  ASSERT_TRUE(out.has_value());
  EXPECT_FALSE(out->message.data.contains("earlier_incidents"));
  EXPECT_EQ(*action_of(*out, "earlier_incidents"), "drop");
}

TEST_F(TransformTest, AContainerOfTheWrongShapeIsRefusedWithItsPath) {
  for (const nlohmann::json& bad :
       {nlohmann::json("2026-08-02"), nlohmann::json::array({"2026-08-02"}),
        nlohmann::json::array({{{"date", "not a date"}}})}) {
    auto out = run(kMunicipality, kVeiligThuis, "domestic-violence-report", 2,
                   message({{"earlier_incidents", bad}}));
    ASSERT_FALSE(out.has_value()) << bad.dump();
    EXPECT_EQ(out.error().kind, ProblemKind::kInvalidField);
    EXPECT_NE(out.error().detail.find("/data/earlier_incidents"), std::string::npos)
        << out.error().detail;
  }
}

}  // namespace
}  // namespace schakel::policy
