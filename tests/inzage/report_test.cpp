// The answer to a person's access request, from records about them: a
// visible exchange in Dutch with Amsterdam time (a summer and a winter one),
// how each field was shared; deferred exchanges hidden until their date
// (injected clock) or their release; a withheld one never; the privacy
// officer sees all, each with how the person sees it and the ground;
// refusals counted only where the person may know of them.
#include "inzage/report.hpp"

#include <gtest/gtest.h>

#include "tests/support/example_policy.hpp"
#include "tests/support/test_gateway.hpp"

namespace schakel::inzage {
namespace {

using nlohmann::json;
namespace partners = testing::partners;

constexpr std::int64_t kDay = 86'400;
// 2026-07-01T14:35:42Z and 2026-01-15T09:05:00Z
constexpr std::int64_t kSummer = 1'782'916'542;
constexpr std::int64_t kWinter = 1'768'467'900;

audit::QueriedRecord decision(std::uint64_t sequence, const std::string& time,
                              const std::string& purpose, const std::string& sender,
                              const std::string& recipient, const std::string& outcome = "allowed",
                              json fields = json::array(), int level = 1) {
  return {sequence,
          {{"kind", "decision"},
           {"outcome", outcome},
           {"start_time", time},
           {"transaction_id", "tx-" + std::to_string(sequence)},
           {"purpose", purpose},
           {"sender", sender},
           {"recipient", recipient},
           {"level", level},
           {"legal_bases", {"AVG art. 6(1)(e)"}},
           {"attributes", {{"dpl.core.processing_activity_id", "https://example/" + purpose}}},
           {"fields", std::move(fields)}}};
}

class ReportTest : public ::testing::Test {
 protected:
  std::vector<audit::QueriedRecord> records_ = {
      decision(1, "2026-07-01T14:35:42.000Z", "e33-confused-behaviour", partners::kPolice,
               partners::kMentalHealth, "allowed",
               json::array(
                   {{{"field", "birth_date"}, {"category", "demographic"}, {"action", "age_band"}},
                    {{"field", "incident_summary"}, {"category", "incident"}, {"action", "redact"}},
                    {{"field", "phone"}, {"category", "contact"}, {"action", "drop"}}}),
               2),
      {2,
       {{"kind", "delivery"},
        {"outcome", "delivered"},
        {"decision_sequence", 1},
        {"start_time", "2026-07-01T14:35:43.000Z"}}},
      decision(3, "2026-01-15T09:05:00.000Z", "domestic-violence-report", partners::kPolice,
               partners::kVeiligThuis),
      decision(4, "2026-01-15T09:05:00.000Z", "criminal-case-referral", partners::kPolice,
               partners::kProsecutor),
      decision(5, "2026-01-15T09:05:00.000Z", "radicalisation-signal", partners::kPolice,
               partners::kMunicipality),
      decision(6, "2026-07-01T14:35:42.000Z", "e33-confused-behaviour", partners::kPolice,
               partners::kVeiligThuis, "refused"),
      decision(7, "2026-07-01T14:35:42.000Z", "radicalisation-signal", partners::kPolice,
               partners::kVeiligThuis, "refused"),
  };

  json report(std::int64_t now, Audience audience, std::set<std::string> released = {}) {
    auto built =
        build_report({*testing::example_policy(), records_, now, std::move(released), audience});
    EXPECT_TRUE(built) << built.error();
    return built ? built->json : json();
  }
  static std::vector<std::string> ids(const json& report) {
    std::vector<std::string> out;
    for (const auto& item : report["verwerkingsacties"]) out.push_back(item["actieId"]);
    return out;
  }
};

TEST_F(ReportTest, AVisibleExchangeInDutchWithAmsterdamTime) {
  const auto got = report(kSummer + kDay, Audience::kPerson);
  ASSERT_FALSE(got["verwerkingsacties"].empty()) << got.dump(2);
  const auto& item = got["verwerkingsacties"][0];
  EXPECT_EQ(item["actieId"], "tx-1");
  EXPECT_EQ(item["tijdstip"], "2026-07-01T16:35:42+02:00");
  EXPECT_EQ(item["tijdstipLeesbaar"], "1 juli 2026, 16:35");
  EXPECT_EQ(item["verwerkingNaam"],
            "Signaal na een politiemelding over iemand met verward gedrag (E33)");
  EXPECT_EQ(item["uitvoerderNaam"], "Politie Eenheid Voorbeeld");
  EXPECT_EQ(item["afnemerNaam"], "GGZ Voorbeeld");
  EXPECT_EQ(item["afnemerId"], partners::kMentalHealth);
  EXPECT_EQ(item["onderwerp"], "BSN vervangen door een pseudoniem");
  EXPECT_EQ(item["vertrouwelijkheid"], "normaal");
  EXPECT_EQ(item["afgeleverd"], true);
  const auto text = item["verwerkteSoortenGegevens"].dump();
  EXPECT_NE(text.find("geboortedatum als leeftijdscategorie"), std::string::npos) << text;
  EXPECT_NE(text.find("beschrijving van het incident met persoonsgegevens verwijderd"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("telefoonnummer"), std::string::npos) << "a dropped field is not shared";
  EXPECT_FALSE(got.contains("achtergehouden")) << "the person is not told what is kept back";
}

TEST_F(ReportTest, WinterTimeIsOneHourAhead) {
  const auto got = report(kWinter + 100 * kDay, Audience::kPerson);
  for (const auto& item : got["verwerkingsacties"]) {
    if (item["actieId"] == "tx-3") {
      EXPECT_EQ(item["tijdstip"], "2026-01-15T10:05:00+01:00");
    }
  }
}

TEST_F(ReportTest, DeferredExchangesShowAfterTheirDateOrTheirReleaseAndWithheldNever) {
  // Veilig Thuis's report is deferred 90 days; the referral until the prosecutor releases it.
  EXPECT_EQ(ids(report(kWinter + 89 * kDay, Audience::kPerson)), std::vector<std::string>{"tx-1"});
  const auto after = report(kWinter + 90 * kDay, Audience::kPerson);
  EXPECT_EQ(ids(after), (std::vector<std::string>{"tx-1", "tx-3"}));
  EXPECT_EQ(after["verwerkingsacties"][1]["vertrouwelijkheid"], "opgeheven");
  EXPECT_EQ(ids(report(kWinter + 3650 * kDay, Audience::kPerson)),
            (std::vector<std::string>{"tx-1", "tx-3"}));
  EXPECT_EQ(ids(report(kWinter + 3650 * kDay, Audience::kPerson, {"criminal-case-referral\ntx-4"})),
            (std::vector<std::string>{"tx-1", "tx-3", "tx-4"}));
  // Released early by Veilig Thuis; a release of the withheld signal changes nothing.
  EXPECT_EQ(ids(report(kWinter + kDay, Audience::kPerson,
                       {"domestic-violence-report\ntx-3", "radicalisation-signal\ntx-5"})),
            (std::vector<std::string>{"tx-1", "tx-3"}));
}

// The rule kept with the exchange and today's: the stricter wins, so that a
// region that later loosens or disables a purpose loosens nothing for the past.
TEST_F(ReportTest, TheRuleKeptWithTheExchangeAndTodaysTheStricterWins) {
  records_[0].body["details"] = {{"inzage", "withheld"}};  // e33 was withheld then, visible now
  records_[4].body["details"] = {{"inzage", "visible"}};   // radicalisation: withheld now
  EXPECT_EQ(ids(report(kSummer + kDay, Audience::kPerson)), std::vector<std::string>{"tx-3"});
  // A release counts for the exchange's own purpose only.
  records_[3].body["details"] = {{"inzage", "deferred"}, {"inzage_released_by", "prosecutor"}};
  EXPECT_EQ(ids(report(kSummer + kDay, Audience::kPerson, {"e33-confused-behaviour\ntx-4"})),
            std::vector<std::string>{"tx-3"});
  EXPECT_EQ(ids(report(kSummer + kDay, Audience::kPerson, {"criminal-case-referral\ntx-4"})),
            (std::vector<std::string>{"tx-3", "tx-4"}));
}

TEST_F(ReportTest, RefusalsAreCountedOnlyWhereThePersonMayKnowOfThem) {
  EXPECT_EQ(report(kSummer + kDay, Audience::kPerson)["geweigerdeVerzoeken"], 1);
}

TEST_F(ReportTest, TheOfficerSeesEverythingWithHowThePersonSeesItAndWhy) {
  const auto got = report(kSummer + kDay, Audience::kOfficer);
  EXPECT_EQ(ids(got), (std::vector<std::string>{"tx-1", "tx-3", "tx-4", "tx-5"}));
  EXPECT_EQ(got["achtergehouden"], 2);  // the referral (not released) and the radicalisation signal
  for (const auto& item : got["verwerkingsacties"]) {
    const std::string id = item["actieId"];
    const auto& inzage = item["inzage"];
    if (id == "tx-1") {
      EXPECT_EQ(inzage["voorDePersoon"], "zichtbaar");
    }
    if (id == "tx-3") {
      EXPECT_EQ(inzage["voorDePersoon"], "zichtbaar na uitstel");
    }
    if (id == "tx-4") {
      EXPECT_EQ(inzage["voorDePersoon"], "uitgesteld");
      EXPECT_EQ(inzage["vrijTeGevenDoor"], "prosecutor");
      EXPECT_FALSE(inzage.contains("zichtbaarVanaf"));
    }
    if (id == "tx-5") {
      EXPECT_EQ(inzage["voorDePersoon"], "achtergehouden");
      EXPECT_NE(inzage["grond"].get<std::string>().find("AVG art. 23"), std::string::npos);
      EXPECT_EQ(item["vertrouwelijkheid"], "vertrouwelijk");
    }
  }
}

TEST_F(ReportTest, ARecordWhoseTimeDoesNotParseIsAnErrorNotAGap) {
  records_[0].body["start_time"] = "yesterday";
  EXPECT_FALSE(
      build_report({*testing::example_policy(), records_, kSummer, {}, Audience::kPerson}));
}

TEST_F(ReportTest, TheHtmlPageIsDutch) {
  const auto html = report_html(report(kSummer + kDay, Audience::kPerson));
  EXPECT_NE(html.find("<html lang=\"nl\">"), std::string::npos);
  EXPECT_NE(html.find("1 juli 2026, 16:35"), std::string::npos);
  EXPECT_NE(html.find("geboortedatum als leeftijdscategorie"), std::string::npos);
  EXPECT_NE(html.find("BSN vervangen door een pseudoniem"), std::string::npos);
}

}  // namespace
}  // namespace schakel::inzage
