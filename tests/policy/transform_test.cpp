#include "policy/transform.hpp"

#include <gtest/gtest.h>

#include "tests/support/example_policy.hpp"
#include "tests/support/paths.hpp"

namespace schakel::policy {
namespace {

using namespace std::chrono;

class TransformTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::KeyStore::init(dir_.path() / "keys"));
    keys_.emplace(*crypto::KeyStore::load(dir_.path() / "keys"));
    pseudonymiser_.emplace(*keys_);
  }

  std::expected<TransformedMessage, Problem> run(const char* sender, const char* recipient,
                                                 const char* purpose, int level,
                                                 const CanonicalMessage& message) {
    const Partner* from = policy_->partner_by_oin(sender);
    auto decision = decide(*policy_, *from, recipient, purpose, level);
    EXPECT_TRUE(decision.has_value());
    auto subject = resolve_subject(message.subject, *from, *pseudonymiser_);
    EXPECT_TRUE(subject.has_value());
    Transformer transformer(*pseudonymiser_);
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

  testing::TempDir dir_;
  std::shared_ptr<const Policy> policy_ = testing::example_policy();
  std::optional<crypto::KeyStore> keys_;
  std::optional<crypto::Pseudonymiser> pseudonymiser_;
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
  EXPECT_EQ(*action_of(*out, "favourite_colour"), "drop");
  EXPECT_EQ(*action_of(*out, "birth_date"), "year");
  for (const auto& action : out->actions) {
    if (action.field == "favourite_colour") {
      EXPECT_EQ(action.rule, "guideline.json#/fields");
    }
    if (action.field == "diagnosis") {
      EXPECT_EQ(action.rule, "guideline.json#/purposes/e33-confused-behaviour/levels/1/fields");
    }
  }
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

}  // namespace
}  // namespace schakel::policy
