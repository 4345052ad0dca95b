// Honest labels (issue 10.1): the transform counts what redaction masked per
// kind (for the decision record), lint names every purpose and level where
// free text reaches a recipient, explain shows the redacted text, and a
// region may add names to the gazetteer, checked by the loader.
#include <gtest/gtest.h>

#include "cli/policy_explain.hpp"
#include "policy/free_text_exposure.hpp"
#include "policy/loader.hpp"
#include "policy/transform.hpp"
#include "tests/support/example_policy.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/test_keys.hpp"

namespace schakel::policy {
namespace {

using namespace std::chrono;

constexpr const char* kPolice = "00000001002345678000";
constexpr const char* kMentalHealth = "00000003003456789000";

const nlohmann::json kData = {
    {"name", "Sanne El Amrani"},
    {"birth_date", "1981-02-24"},
    {"incident_code", "E33"},
    {"incident_summary",
     "Sanne El Amrani (geb. 24-02-1981) verward aangetroffen; buurman Kees Scharroo belde."}};

class RedactionLabelsTest : public ::testing::Test {
 protected:
  std::expected<TransformedMessage, Problem> run(int level) {
    const auto policy = testing::example_policy();
    const Partner* from = policy->partner_by_oin(kPolice);
    auto decision = decide(*policy, *from, kMentalHealth, "e33-confused-behaviour", level);
    EXPECT_TRUE(decision.has_value());
    const CanonicalMessage in{{SubjectId::Kind::kBsn, "999990019"}, kData};
    auto subject = resolve_subject(in.subject, *from, keys_.pseudonymiser());
    return Transformer(keys_.pseudonymiser())
        .apply(*policy, *decision, in, *subject, year{2026} / 11 / 25);
  }

  testing::TestKeys keys_;
};

TEST_F(RedactionLabelsTest, TheTransformCountsMasksPerKind) {
  auto out = run(2);
  ASSERT_TRUE(out.has_value());
  ASSERT_TRUE(out->redacted.has_value());
  EXPECT_EQ(out->redacted->summary(), "name:2,date:1");
  EXPECT_EQ(out->message.data["incident_summary"],
            "[NAME] (geb. [DATE]) verward aangetroffen; buurman [NAME] belde.");
  auto signal = run(1);  // level 1 passes no free text
  ASSERT_TRUE(signal.has_value());
  EXPECT_FALSE(signal->redacted.has_value());
}

TEST(RedactionLabels, LintFindsEveryPurposeAndLevelWhereFreeTextArrives) {
  const auto exposures = free_text_exposures(*testing::example_policy());
  std::set<std::string> seen;
  for (const auto& exposure : exposures) {
    seen.insert(exposure.purpose + "/" + std::to_string(exposure.level) + "/" + exposure.field +
                (exposure.transform == Transform::kKeep ? " kept" : ""));
    EXPECT_FALSE(exposure.recipients.empty());
    EXPECT_TRUE(exposure.rule.ends_with("/fields/" + exposure.field)) << exposure.rule;
  }
  EXPECT_TRUE(seen.contains("e33-confused-behaviour/2/incident_summary"));
  EXPECT_TRUE(seen.contains("e33-confused-behaviour/3/incident_summary"));
  EXPECT_TRUE(seen.contains("domestic-violence-report/3/earlier_incidents.summary"));
  EXPECT_TRUE(seen.contains("criminal-case-referral/1/incident_summary kept"));
  EXPECT_FALSE(seen.contains("e33-confused-behaviour/1/incident_summary"));
  EXPECT_EQ(exposures.size(), 12u);
}

TEST(RedactionLabels, ExplainShowsTheRedactedTextAndTheCounts) {
  const auto out = cli::explain(
      *testing::example_policy(),
      {kPolice, kMentalHealth, "e33-confused-behaviour", 2,
       nlohmann::json{{"subject", {{"bsn", "999990019"}}}, {"data", kData}}.dump(), std::nullopt});
  ASSERT_EQ(out["decision"], "allowed") << out.dump();
  const auto& received = out["recipient_receives"]["data"]["incident_summary"];
  EXPECT_EQ(received, "[NAME] (geb. [DATE]) verward aangetroffen; buurman [NAME] belde.");
  EXPECT_EQ(out["redacted"]["name"], 2);
  EXPECT_EQ(out["redacted"]["date"], 1);
  const std::string text = cli::explain_text(out);
  EXPECT_NE(text.find("free text redacted, masks per kind: date: 1, name: 2"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("Scharroo"), std::string::npos);
}

TEST(RedactionLabels, ARegionAddsNamesAndTheLoaderChecksThem) {
  testing::TempDir dir;
  auto region = nlohmann::json::parse(testing::read_file(testing::example_region_file()));
  region["redaction"] = {{"names", {"Spreeuwenberg", "van Oss"}}};
  testing::write_file(dir.path() / "region.json", region.dump());
  auto loaded = load_policy({testing::guideline_file(), dir.path() / "region.json"});
  ASSERT_TRUE(loaded.has_value()) << join_lines(loaded.error());
  EXPECT_EQ((*loaded)->redactor().redact("Spreeuwenberg belde", {}).text, "[NAME] belde");

  region["redaction"] = {{"names", {"Spreeuwenberg", "spreeuw"}}, {"nmaes", 1}};
  testing::write_file(dir.path() / "region.json", region.dump());
  auto refused = load_policy({testing::guideline_file(), dir.path() / "region.json"});
  ASSERT_FALSE(refused.has_value());
  const std::string errors = join_lines(refused.error());
  EXPECT_NE(errors.find("/redaction/names/1"), std::string::npos) << errors;
  EXPECT_NE(errors.find("/redaction/nmaes"), std::string::npos) << errors;
}

}  // namespace
}  // namespace schakel::policy
