#include "policy/loader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>

#include "tests/support/paths.hpp"

namespace schakel::policy {
namespace {

using nlohmann::json;
using testing::TempDir;

struct Mutation {
  const char* name;
  std::function<void(json& guideline, json& region)> change;
  const char* expected;  // one line of the loader's output must contain this
};

class LoaderTest : public ::testing::Test {
 protected:
  std::expected<std::shared_ptr<const Policy>, ConfigErrors> load(
      const std::function<void(json&, json&)>& change) {
    json guideline = json::parse(testing::read_file(testing::guideline_file()));
    json region = json::parse(testing::read_file(testing::example_region_file()));
    change(guideline, region);
    testing::write_file(dir_.path() / "guideline.json", guideline.dump(2));
    testing::write_file(dir_.path() / "region.json", region.dump(2));
    return load_policy({dir_.path() / "guideline.json", dir_.path() / "region.json"});
  }
  TempDir dir_;
};

TEST_F(LoaderTest, TheExampleConfigurationIsSound) {
  auto policy = load([](json&, json&) {});
  ASSERT_TRUE(policy.has_value()) << join_lines(policy.error());
  EXPECT_EQ((*policy)->partners().size(), 9u);
  EXPECT_TRUE((*policy)->hash().starts_with("sha256:"));
  EXPECT_NE((*policy)->partner_by_oin("00000001002345678000"), nullptr);
}

TEST_F(LoaderTest, TheHashChangesWithThePolicyAndOnlyWithIt) {
  auto first = load([](json&, json&) {});
  auto same = load([](json&, json&) {});
  auto narrower =
      load([](json&, json& r) { r["purposes"]["zvh-case-consultation"]["retention_days"] = 30; });
  ASSERT_TRUE(first && same && narrower);
  EXPECT_EQ((*first)->hash(), (*same)->hash());
  EXPECT_NE((*first)->hash(), (*narrower)->hash());
}

TEST_F(LoaderTest, RegionNarrowingTakesEffect) {
  auto policy = load([](json&, json& r) {
    r["purposes"]["e33-confused-behaviour"] = {
        {"levels",
         {{"2", {{"fields", {{"birth_date", "drop"}, {"incident_summary", "drop"}}}}},
          {"3", {{"enabled", false}}}}}};
  });
  ASSERT_TRUE(policy.has_value()) << join_lines(policy.error());
  const Purpose* e33 = (*policy)->enabled_purpose("e33-confused-behaviour");
  ASSERT_NE(e33, nullptr);
  EXPECT_FALSE(e33->levels.contains(3));
  EXPECT_EQ(e33->levels.at(2).fields.at("birth_date").transform, Transform::kDrop);
  EXPECT_EQ(e33->levels.at(2).fields.at("birth_date").rule,
            "region.json#/purposes/e33-confused-behaviour/levels/2/fields/birth_date");
}

TEST_F(LoaderTest, ARegionNarrowsMatchingSignalDaysAndCaseDirectors) {
  auto policy = load([](json&, json& r) {
    r["purposes"]["zvh-case-consultation"]["matching"] =
        json::array({json::array({"zvh", "police"}), json::array({"mental_health", "police"})});
    r["purposes"]["zvh-case-consultation"]["signal_days"] = 90;
    r["purposes"]["zvh-case-consultation"]["case_directors"] = {"zvh"};
    r["purposes"]["zvh-case-consultation"]["reidentification"] = json::array();
  });
  ASSERT_TRUE(policy.has_value()) << join_lines(policy.error());
  const Purpose* zvh = (*policy)->enabled_purpose("zvh-case-consultation");
  ASSERT_NE(zvh, nullptr);
  const std::set<std::pair<std::string, std::string>, std::less<>> pairs = {
      {"zvh", "police"},
      {"police", "zvh"},
      {"mental_health", "police"},
      {"police", "mental_health"}};
  EXPECT_EQ(zvh->matching, pairs);
  EXPECT_EQ(zvh->signal_days, 90);
  EXPECT_EQ(zvh->matching_rule, "region.json#/purposes/zvh-case-consultation/matching");
  EXPECT_EQ(zvh->signal_days_rule, "region.json#/purposes/zvh-case-consultation/signal_days");
  EXPECT_EQ(zvh->case_directors_rule, "region.json#/purposes/zvh-case-consultation/case_directors");
  EXPECT_TRUE(zvh->reidentifiers.empty()) << "the region lets nobody re-identify";
  EXPECT_EQ(zvh->reidentifiers_rule,
            "region.json#/purposes/zvh-case-consultation/reidentification");
  const Purpose* aftercare = (*policy)->enabled_purpose("aftercare-after-detention");
  ASSERT_NE(aftercare, nullptr);
  EXPECT_EQ(aftercare->matching.size(), 6u) << "a purpose the region leaves alone keeps its pairs";
  EXPECT_EQ(aftercare->matching_rule,
            "guideline.json#/purposes/aftercare-after-detention/matching");
  EXPECT_TRUE(aftercare->reidentifiers.empty()) << "refused by default";
  EXPECT_EQ(aftercare->reidentifiers_rule, "guideline.json#/purposes/aftercare-after-detention");
}

TEST_F(LoaderTest, InzageRulesAndDutchTitlesAreRead) {
  auto policy = load([](json&, json& r) {
    r["purposes"]["e33-confused-behaviour"]["inzage"] = {
        {"mode", "deferred"}, {"defer_days", 30}, {"ground", "AVG art. 23(1)(i)"}};
  });
  ASSERT_TRUE(policy.has_value()) << join_lines(policy.error());
  const auto& referral = (*policy)->enabled_purposes().at("criminal-case-referral");
  EXPECT_EQ(referral.inzage.mode, InzageMode::kDeferred);
  EXPECT_EQ(referral.inzage.released_by, "prosecutor");
  EXPECT_EQ(referral.inzage.defer_days, 0);
  EXPECT_EQ(referral.inzage.rule, "guideline.json#/purposes/criminal-case-referral/inzage");
  const auto& e33 = (*policy)->enabled_purposes().at("e33-confused-behaviour");
  EXPECT_EQ(e33.inzage.defer_days, 30);
  EXPECT_EQ(e33.inzage.rule, "region.json#/purposes/e33-confused-behaviour/inzage");
  EXPECT_EQ((*policy)->enabled_purposes().at("zvh-case-consultation").inzage.mode,
            InzageMode::kVisible);
  EXPECT_FALSE(e33.title_nl.empty());
  ASSERT_NE((*policy)->field("birth_date"), nullptr);
  EXPECT_EQ((*policy)->field("birth_date")->title_nl, "geboortedatum");
  EXPECT_EQ((*policy)->field("earlier_incidents.summary")->title_nl, "beschrijving");
}

// A region's inzage rule is accepted exactly when it is no looser than the
// guideline's, for every pair from a set of rules, against an independent
// oracle: a rule makes an exchange visible to the person no earlier than
// after `unreleased_days` (infinite: never without a release) and earlier
// only by a release of one of `releasers` (everyone: visible at once).
TEST_F(LoaderTest, ARegionsInzageIsAcceptedExactlyWhenNoLooserThanTheGuidelines) {
  struct Rule {
    const char* name;
    json value;                       // null: no "inzage" member
    double unreleased_days;           // when the person sees it without a release
    std::set<std::string> releasers;  // "*": everyone (visible)
  };
  const double never = 1e9;
  const std::vector<Rule> rules = {
      {"absent", nullptr, 0, {"*"}},
      {"visible", {{"mode", "visible"}}, 0, {"*"}},
      {"withheld", {{"mode", "withheld"}, {"ground", "g"}}, never, {}},
      {"deferred 30", {{"mode", "deferred"}, {"defer_days", 30}, {"ground", "g"}}, 30, {}},
      {"deferred 120", {{"mode", "deferred"}, {"defer_days", 120}, {"ground", "g"}}, 120, {}},
      {"until mental_health",
       {{"mode", "deferred"}, {"released_by", "mental_health"}, {"ground", "g"}},
       never,
       {"mental_health"}},
      {"until municipality",
       {{"mode", "deferred"}, {"released_by", "municipality"}, {"ground", "g"}},
       never,
       {"municipality"}},
      {"120 or mental_health",
       {{"mode", "deferred"},
        {"defer_days", 120},
        {"released_by", "mental_health"},
        {"ground", "g"}},
       120,
       {"mental_health"}},
  };
  const auto no_looser = [](const Rule& guideline, const Rule& region) {
    const bool later = region.unreleased_days >= guideline.unreleased_days;
    const bool fewer = guideline.releasers.contains("*") ||
                       std::ranges::all_of(region.releasers, [&](const std::string& role) {
                         return role != "*" && guideline.releasers.contains(role);
                       });
    return later && fewer;
  };
  int checked = 0;
  for (const auto& guideline : rules) {
    for (const auto& region : rules) {
      auto policy = load([&](json& g, json& r) {
        auto& purpose = g["purposes"]["e33-confused-behaviour"];
        purpose.erase("inzage");
        if (!guideline.value.is_null()) purpose["inzage"] = guideline.value;
        if (!region.value.is_null())
          r["purposes"]["e33-confused-behaviour"]["inzage"] = region.value;
      });
      // A region without a rule keeps the guideline's.
      EXPECT_EQ(policy.has_value(), region.value.is_null() || no_looser(guideline, region))
          << "guideline " << guideline.name << ", region " << region.name << ": "
          << (policy ? std::string("accepted") : join_lines(policy.error()));
      ++checked;
    }
  }
  EXPECT_EQ(checked, 64);
}

TEST_F(LoaderTest, ReportsEveryErrorOfARunNotOnlyTheFirst) {
  auto policy = load([](json& g, json& r) {
    g["purposes"]["e33-confused-behaviour"]["senders"].push_back("astrologer");
    r["partners"][0]["oin"] = "123";
    r["purposes"]["zvh-case-consultation"]["retention_days"] = 99999;
  });
  ASSERT_FALSE(policy.has_value());
  EXPECT_EQ(policy.error().size(), 3u) << join_lines(policy.error());
}

TEST_F(LoaderTest, SyntaxErrorsGiveFileLineAndColumn) {
  testing::write_file(dir_.path() / "guideline.json", "{\n  \"version\": \"1\",\n  oops\n}");
  testing::write_file(dir_.path() / "region.json", "{}");
  auto policy = load_policy({dir_.path() / "guideline.json", dir_.path() / "region.json"});
  ASSERT_FALSE(policy.has_value());
  EXPECT_TRUE(policy.error()[0].to_string().starts_with("guideline.json:3:"))
      << join_lines(policy.error());
}

class BadConfiguration : public LoaderTest, public ::testing::WithParamInterface<Mutation> {};

TEST_P(BadConfiguration, IsRefusedWithFileJsonPathAndReason) {
  auto policy = load(GetParam().change);
  ASSERT_FALSE(policy.has_value()) << "accepted: " << GetParam().name;
  const std::string output = join_lines(policy.error());
  EXPECT_NE(output.find(GetParam().expected), std::string::npos)
      << "expected a line with: " << GetParam().expected << "\ngot:\n"
      << output;
}

const Mutation kMutations[] = {
    {"typo in a guideline member",
     [](json& g, json&) { g["purposes"]["e33-confused-behaviour"]["retention_dayz"] = 1; },
     "guideline.json: /purposes/e33-confused-behaviour/retention_dayz: unknown member"},
    {"typo in a region member", [](json&, json& r) { r["partners"][1]["endpont"] = "x"; },
     "region.json: /partners/1/endpont: unknown member"},
    {"wrong type",
     [](json& g, json&) { g["purposes"]["e33-confused-behaviour"]["retention_days"] = "730"; },
     "guideline.json: /purposes/e33-confused-behaviour/retention_days: must be an integer"},
    {"missing member",
     [](json& g, json&) { g["purposes"]["e33-confused-behaviour"].erase("legal_bases"); },
     "guideline.json: /purposes/e33-confused-behaviour/legal_bases: is required"},
    {"a purpose without its Dutch title",
     [](json& g, json&) { g["purposes"]["e33-confused-behaviour"].erase("title_nl"); },
     "guideline.json: /purposes/e33-confused-behaviour/title_nl: is required"},
    {"a field without its Dutch name",
     [](json& g, json&) { g["fields"]["birth_date"].erase("title_nl"); },
     "guideline.json: /fields/birth_date/title_nl: is required"},
    {"a category without its Dutch title",
     [](json& g, json&) { g["categories"]["health"].erase("title_nl"); },
     "guideline.json: /categories/health/title_nl: is required"},
    {"inzage kept back without a ground",
     [](json& g, json&) { g["purposes"]["domestic-violence-report"]["inzage"].erase("ground"); },
     "guideline.json: /purposes/domestic-violence-report/inzage/ground: must name the legal "
     "ground"},
    {"a deferral that never ends",
     [](json& g, json&) {
       g["purposes"]["domestic-violence-report"]["inzage"].erase("defer_days");
       g["purposes"]["domestic-violence-report"]["inzage"].erase("released_by");
     },
     "guideline.json: /purposes/domestic-violence-report/inzage: a deferral ends after defer_days "
     "or by released_by"},
    {"an unknown inzage mode",
     [](json& g, json&) {
       g["purposes"]["e33-confused-behaviour"]["inzage"] = {{"mode", "hidden"}};
     },
     "guideline.json: /purposes/e33-confused-behaviour/inzage/mode: must be visible, deferred or "
     "withheld"},
    {"a release by an unknown role",
     [](json& g, json&) {
       g["purposes"]["domestic-violence-report"]["inzage"]["released_by"] = "judge";
     },
     "guideline.json: /purposes/domestic-violence-report/inzage/released_by: unknown role"},
    {"a ground of blanks",
     [](json& g, json&) { g["purposes"]["radicalisation-signal"]["inzage"]["ground"] = "   "; },
     "guideline.json: /purposes/radicalisation-signal/inzage/ground: must name the legal ground"},
    {"a release by a role outside the purpose",
     [](json& g, json&) {
       g["purposes"]["domestic-violence-report"]["inzage"]["released_by"] = "inzage_portal";
     },
     "guideline.json: /purposes/domestic-violence-report/inzage/released_by: role "
     "\"inzage_portal\" "
     "neither sends nor receives"},
    {"a deferral on a visible purpose",
     [](json& g, json&) {
       g["purposes"]["e33-confused-behaviour"]["inzage"] = {{"mode", "visible"}, {"defer_days", 3}};
     },
     "guideline.json: /purposes/e33-confused-behaviour/inzage/defer_days: only a deferred purpose"},
    {"a region shows what the guideline withholds",
     [](json&, json& r) {
       r["purposes"]["radicalisation-signal"]["inzage"] = {{"mode", "visible"}};
     },
     "region.json: /purposes/radicalisation-signal/inzage: widens the guideline: inzage may only "
     "be stricter"},
    {"unknown role in a purpose",
     [](json& g, json&) {
       g["purposes"]["e33-confused-behaviour"]["recipients"].push_back("press");
     },
     "guideline.json: /purposes/e33-confused-behaviour/recipients/3: unknown role \"press\""},
    {"unknown field in a level",
     [](json& g, json&) {
       g["purposes"]["e33-confused-behaviour"]["levels"]["1"]["fields"]["shoe_size"] = "keep";
     },
     "guideline.json: /purposes/e33-confused-behaviour/levels/1/fields/shoe_size: unknown field"},
    {"unknown transform",
     [](json& g, json&) {
       g["purposes"]["e33-confused-behaviour"]["levels"]["1"]["fields"]["birth_date"] = "blur";
     },
     "unknown transform \"blur\""},
    {"transform that does not fit the type",
     [](json& g, json&) {
       g["purposes"]["e33-confused-behaviour"]["levels"]["1"]["fields"]["risk_level"] = "year";
     },
     "/levels/1/fields/risk_level: transform \"year\" does not apply to a enum field"},
    {"unknown category", [](json& g, json&) { g["fields"]["birth_date"]["category"] = "secret"; },
     "guideline.json: /fields/birth_date/category: unknown category \"secret\""},
    {"level out of range",
     [](json& g, json&) {
       g["purposes"]["e33-confused-behaviour"]["levels"]["4"] =
           g["purposes"]["e33-confused-behaviour"]["levels"]["1"];
     },
     "/purposes/e33-confused-behaviour/levels/4: level must be \"1\", \"2\" or \"3\""},
    {"enum without values", [](json& g, json&) { g["fields"]["gender"].erase("values"); },
     "guideline.json: /fields/gender/values: is required for an enum field"},
    {"bad special-category article",
     [](json& g, json&) { g["categories"]["health"]["gdpr_article"] = "8"; },
     "guideline.json: /categories/health/gdpr_article: must be \"9\" or \"10\""},
    {"OIN of the wrong length",
     [](json&, json& r) { r["partners"][2]["oin"] = "0000000300345678900"; },
     "region.json: /partners/2/oin: must be a 20-digit OIN"},
    {"duplicate OIN", [](json&, json& r) { r["partners"][3]["oin"] = r["partners"][2]["oin"]; },
     "region.json: /partners/3/oin: duplicate OIN"},
    {"duplicate partner id",
     [](json&, json& r) { r["partners"][3]["id"] = r["partners"][2]["id"]; },
     "region.json: /partners/3/id: duplicate partner id"},
    {"plain-HTTP endpoint",
     [](json&, json& r) { r["partners"][0]["endpoint"] = "http://127.0.0.1:9101/x"; },
     "region.json: /partners/0/endpoint: must be an https://host:port/path URL"},
    {"partner with an unknown role", [](json&, json& r) { r["partners"][0]["role"] = "mayor"; },
     "region.json: /partners/0/role: unknown role \"mayor\""},
    {"empty pseudonym domain", [](json&, json& r) { r["partners"][0]["pseudonym_domain"] = ""; },
     "region.json: /partners/0/pseudonym_domain: must not be empty"},
    {"region pairs roles the guideline does not",
     [](json&, json& r) {
       r["purposes"]["zvh-case-consultation"]["matching"] =
           json::array({json::array({"police", "housing"})});
     },
     "region.json: /purposes/zvh-case-consultation/matching/0: widens the guideline: the "
     "guideline does not let \"police\" and \"housing\" learn of each other"},
    {"region keeps signals longer than the guideline",
     [](json&, json& r) { r["purposes"]["zvh-case-consultation"]["signal_days"] = 731; },
     "region.json: /purposes/zvh-case-consultation/signal_days: widens the guideline: must be "
     "between 1 and the guideline's 730 days"},
    {"region lets another role direct cases",
     [](json&, json& r) {
       r["purposes"]["zvh-case-consultation"]["case_directors"] = {"zvh", "police"};
     },
     "region.json: /purposes/zvh-case-consultation/case_directors/1: widens the guideline: role "
     "\"police\" may not direct cases"},
    {"region lets another role re-identify",
     [](json&, json& r) {
       r["purposes"]["zvh-case-consultation"]["reidentification"] = {"police"};
     },
     "region.json: /purposes/zvh-case-consultation/reidentification/0: widens the guideline: "
     "role \"police\" may not re-identify"},
    {"guideline lets an unknown role re-identify",
     [](json& g, json&) {
       g["purposes"]["zvh-case-consultation"]["reidentification"] = {"journalist"};
     },
     "guideline.json: /purposes/zvh-case-consultation/reidentification: names a role the "
     "guideline does not define"},
    {"console user with an unknown role",
     [](json&, json& r) { r["console_users"][0]["role"] = "superuser"; },
     "region.json: /console_users/0/role: must be \"privacy_officer\" or \"region_admin\""},
    {"two console users with one id",
     [](json&, json& r) { r["console_users"][1]["id"] = r["console_users"][0]["id"]; },
     "region.json: /console_users/1/id: duplicate console user"},
    {"two console users with one certificate",
     [](json&, json& r) {
       r["console_users"][1]["certificate_cn"] = r["console_users"][0]["certificate_cn"];
     },
     "region.json: /console_users/1/certificate_cn: two users with one certificate CN"},
    {"console user id that is no id",
     [](json&, json& r) { r["console_users"][0]["id"] = "Jan Jansen"; },
     "region.json: /console_users/0/id: must be 1..64 of a-z, 0-9 and -"},
    {"region matching that is no pair",
     [](json&, json& r) {
       r["purposes"]["zvh-case-consultation"]["matching"] = json::array({json::array({"zvh"})});
     },
     "region.json: /purposes/zvh-case-consultation/matching/0: must be a pair of roles"},
    {"region enables a purpose the guideline lacks",
     [](json&, json& r) { r["purposes"]["mass-surveillance"] = json::object(); },
     "region.json: /purposes/mass-surveillance: widens the guideline: no purpose"},
    {"region keeps a field the guideline drops",
     [](json&, json& r) {
       r["purposes"]["e33-confused-behaviour"]["levels"] = {
           {"1", {{"fields", {{"diagnosis", "keep"}}}}}};
     },
     "region.json: /purposes/e33-confused-behaviour/levels/1/fields/diagnosis: widens the "
     "guideline: the guideline drops"},
    {"region chooses a weaker transform",
     [](json&, json& r) {
       r["purposes"]["e33-confused-behaviour"]["levels"] = {
           {"1", {{"fields", {{"birth_date", "keep"}}}}}};
     },
     "levels/1/fields/birth_date: widens the guideline: \"keep\" is weaker than the guideline's "
     "\"year\""},
    {"region sets a longer retention",
     [](json&, json& r) { r["purposes"]["e33-confused-behaviour"]["retention_days"] = 3650; },
     "region.json: /purposes/e33-confused-behaviour/retention_days: widens the guideline"},
    {"region adds a level",
     [](json&, json& r) {
       r["purposes"]["zvh-case-consultation"]["levels"] = {{"1", {{"fields", json::object()}}}};
     },
     "region.json: /purposes/zvh-case-consultation/levels/1: widens the guideline: purpose "
     "\"zvh-case-consultation\" defines no level 1"},
    {"region passes the BSN where the guideline pseudonymises",
     [](json&, json& r) {
       r["purposes"]["e33-confused-behaviour"]["levels"] = {{"1", {{"subject", "bsn"}}}};
     },
     "levels/1/subject: widens the guideline: the guideline pseudonymises the subject"},
    {"region lets a partner take part whose role may not",
     [](json&, json& r) {
       r["purposes"]["criminal-case-referral"]["partners"].push_back("ggz-voorbeeld");
     },
     "region.json: /purposes/criminal-case-referral/partners/2: widens the guideline: role "
     "\"mental_health\""},
    {"region names an unknown partner",
     [](json&, json& r) {
       r["purposes"]["criminal-case-referral"]["partners"].push_back("nobody");
     },
     "region.json: /purposes/criminal-case-referral/partners/2: unknown partner \"nobody\""},
    {"partners is not an array", [](json&, json& r) { r["partners"] = json::object(); },
     "region.json: /partners: must be an array"},
    {"a level keeps a whole array that has fields of its own",
     [](json& g, json&) {
       g["purposes"]["domestic-violence-report"]["levels"]["2"]["fields"]["earlier_incidents"] =
           "keep";
     },
     "levels/2/fields/earlier_incidents: \"earlier_incidents\" has fields of its own; name them"},
    {"a nested field that is not in the catalogue",
     [](json& g, json&) {
       g["purposes"]["domestic-violence-report"]["levels"]["2"]["fields"]
        ["earlier_incidents.weapon"] = "keep";
     },
     "unknown field \"earlier_incidents.weapon\""},
    {"fields inside a field that is no object",
     [](json& g, json&) {
       g["fields"]["birth_date"]["fields"] = {
           {"day", {{"category", "demographic"}, {"type", "number"}}}};
     },
     "guideline.json: /fields/birth_date/fields: only object and array fields have fields"},
    {"a typo inside a nested field",
     [](json& g, json&) { g["fields"]["earlier_incidents"]["fields"]["date"]["tpye"] = "date"; },
     "guideline.json: /fields/earlier_incidents/fields/date/tpye: unknown member"},
    {"region keeps a nested field the guideline drops",
     [](json&, json& r) {
       r["purposes"]["domestic-violence-report"] = {
           {"levels", {{"2", {{"fields", {{"earlier_incidents.reported_by", "keep"}}}}}}}};
     },
     "region.json: /purposes/domestic-violence-report/levels/2/fields/"
     "earlier_incidents.reported_by: widens the guideline"},
    // Mapped JSON shapes (issue 13): every mistake named by file and pointer.
    {"a mapped field outside the catalogue",
     [](json&, json& r) { r["formats"]["gemeente-json"]["fields"]["naam"] = "/inwoner/naam"; },
     "region.json: /formats/gemeente-json/fields/naam: is no field of the guideline's catalogue"},
    {"a mapping that is no JSON pointer",
     [](json&, json& r) {
       r["formats"]["gemeente-json"]["fields"]["postcode"] = "inwoner/postcode";
     },
     "region.json: /formats/gemeente-json/fields/postcode: is no JSON pointer"},
    {"two fields at one place",
     [](json&, json& r) {
       r["formats"]["gemeente-json"]["fields"]["postcode"] = "/inwoner/geboortedatum";
     },
     "overlaps"},
    {"a field inside another's place",
     [](json&, json& r) { r["formats"]["gemeente-json"]["fields"]["postcode"] = "/inwoner/bsn/x"; },
     "region.json: /formats/gemeente-json/fields/postcode: overlaps"},
    {"an array field mapped as one value",
     [](json&, json& r) {
       r["formats"]["gemeente-json"]["fields"]["earlier_incidents"] = "/historie";
     },
     "region.json: /formats/gemeente-json/fields/earlier_incidents: is an array field"},
    {"an array member outside the catalogue",
     [](json&, json& r) {
       r["formats"]["politie-json"]["fields"]["earlier_incidents"]["fields"]["naam"] = "/naam";
     },
     "region.json: /formats/politie-json/fields/earlier_incidents/fields/naam: is no member"},
    {"a shape without a subject",
     [](json&, json& r) { r["formats"]["gemeente-json"]["subject"] = json::object(); },
     "region.json: /formats/gemeente-json/subject: needs \"bsn\", \"pseudonym\" or both"},
    {"a partner naming a shape the region lacks",
     [](json&, json& r) { r["partners"][0]["format"] = "mapped-json:onbekend"; },
     "region.json: /partners/0/format: names no format of this region's \"formats\""},
    // The guideline's FHIR mapping, checked against the R4 schema (issue 13).
    {"a FHIR element R4 does not have",
     [](json& g, json&) { g["fhir"]["fields"]["birth_date"] = "Patient.birthdate"; },
     "guideline.json: /fhir/fields/birth_date: Patient has no element \"birthdate\" in R4"},
    {"a FHIR path ending in a dot",
     [](json& g, json&) { g["fhir"]["fields"]["birth_date"] = "Patient."; },
     "guideline.json: /fhir/fields/birth_date: names a resource, not an element"},
    {"a FHIR code path ending in a dot",
     [](json& g, json&) { g["fhir"]["fields"]["risk_level"]["code"]["element"] = "Observation."; },
     "guideline.json: /fhir/fields/risk_level/code/element: names a resource, not an element"},
    {"a FHIR element beside a required one the codec never writes",
     [](json& g, json&) {
       g["fhir"]["fields"]["children_involved"] = "Patient.communication.preferred";
     },
     "Patient.communication.language is required in R4 beside preferred"},
    {"a FHIR resource Schakel does not accept",
     [](json& g, json&) { g["fhir"]["fields"]["birth_date"] = "Person.birthDate"; },
     "guideline.json: /fhir/fields/birth_date: must start with a resource Schakel accepts"},
    {"a FHIR primitive that cannot carry the field",
     [](json& g, json&) { g["fhir"]["fields"]["birth_date"] = "Patient.active"; },
     "guideline.json: /fhir/fields/birth_date: is a FHIR boolean, which cannot carry the catalogue "
     "type date"},
    {"a FHIR path through a reference",
     [](json& g, json&) { g["fhir"]["fields"]["diagnosis"] = "Condition.subject.display"; },
     "guideline.json: /fhir/fields/diagnosis: goes through Condition.subject"},
    {"a field where the subject lives",
     [](json& g, json&) { g["fhir"]["fields"]["client_number"] = "Patient.identifier.value"; },
     "guideline.json: /fhir/fields/client_number: Patient.identifier carries the subject"},
    {"an Observation without the code R4 requires",
     [](json& g, json&) { g["fhir"]["fields"]["risk_level"].erase("code"); },
     "Observation.code is required in R4"},
    {"a code on Patient",
     [](json& g, json&) {
       g["fhir"]["fields"]["gender"] = {
           {"element", "Patient.gender"},
           {"code", {{"element", "Patient.maritalStatus"}, {"code", "x"}}}};
     },
     "guideline.json: /fhir/fields/gender: Patient is the subject, one per document"},
    {"two fields at one FHIR element",
     [](json& g, json&) { g["fhir"]["fields"]["incident_date"] = "Patient.birthDate"; },
     "one element, one meaning"},
    {"a code that is no CodeableConcept",
     [](json& g, json&) {
       g["fhir"]["fields"]["risk_level"]["code"]["element"] = "Observation.valueString";
     },
     "guideline.json: /fhir/fields/risk_level/code/element: must be a CodeableConcept or a Coding"},
    {"a FHIR array member outside the catalogue",
     [](json& g, json&) {
       g["fhir"]["fields"]["earlier_incidents"]["fields"]["naam"] = "Observation.valueString";
     },
     "guideline.json: /fhir/fields/earlier_incidents/fields/naam: is no member of "
     "earlier_incidents"},
    {"an array field's resources shared",
     [](json& g, json&) { g["fhir"]["fields"]["risk_level"]["code"]["code"] = "earlier-incident"; },
     "carry no other field"},
};

INSTANTIATE_TEST_SUITE_P(Policy, BadConfiguration, ::testing::ValuesIn(kMutations),
                         [](const auto& param_info) {
                           std::string name = param_info.param.name;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace schakel::policy
