// The redaction of free text, kind by kind (policy/redaction.hpp). The corpus
// test (redaction_corpus_test.cpp) measures it; these say what it promises.
#include "policy/redaction.hpp"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include "policy/field_values.hpp"
#include "policy/redaction_names.hpp"
#include "tests/support/example_policy.hpp"

namespace schakel::policy {
namespace {

std::string with_context(const nlohmann::json& data, const std::string& text,
                         const std::string& bsn = "999990019") {
  const auto policy = testing::example_policy();
  const CanonicalMessage message{{SubjectId::Kind::kBsn, bsn}, data};
  auto context = policy->redactor().context(message, *policy);
  EXPECT_TRUE(context.has_value());
  return policy->redactor().redact(text, *context).text;
}

TEST(Redaction, DatesInEveryCommonDutchForm) {
  for (const char* date :
       {"24-02-1981", "24-2-1981", "24/2/81", "24/02/1981", "24.02.1981", "24-2-'81", "1981-02-24",
        "24 februari 1981", "24 feb. 1981", "24 feb '81", "3 mrt", "1e maart", "24 Februari",
        "januari 2019", "sept. 2021", "maart '81"}) {
    EXPECT_EQ(redact_text(std::string("geboren ") + date + " te Utrecht"),
              "geboren [DATE] te Utrecht")
        << date;
  }
  for (const char* not_a_date :
       {"om 12.30 uur", "3-4 keer per week", "versie 2.1.4", "in 2024", "de mei-vakantie"}) {
    EXPECT_EQ(redact_text(not_a_date), not_a_date);
  }
}

TEST(Redaction, AStreetWithItsHouseNumberIsAnAddress) {
  for (const char* address :
       {"Kerkstraat 12", "Kerkstraat 12a", "Adelaarstraat 87-II", "Burgemeester de Withstraat 3 hs",
        "Laan van Meerdervoort 22", "Oude Gracht 14bis", "Stationsplein 1 A", "Dorpsdijk nr. 5",
        "Vondelpark 3-2", "kerkstraat 7"}) {
    EXPECT_EQ(redact_text(std::string("woont ") + address + ", sinds kort"),
              "woont [ADDRESS], sinds kort")
        << address;
  }
  EXPECT_EQ(redact_text("woont aan de Kerkstraat, 3 keer gezien"),
            "woont aan de Kerkstraat, 3 keer gezien")
      << "a street without a number is no address";
  // A street named after a person is an address, and the words before it stay.
  EXPECT_EQ(redact_text("oma woont in de Van Speijkstraat 88, zegt hij"),
            "oma woont in de [ADDRESS], zegt hij");
}

TEST(Redaction, BsnLikeNumbersWithSeparatorsPassTheElevenCheck) {
  for (const char* bsn : {"999 990 019", "999.990.019", "9999.90.019", "999-990-019"}) {
    EXPECT_EQ(redact_text(std::string("nummer ") + bsn + " bekend"), "nummer [BSN] bekend") << bsn;
  }
  EXPECT_EQ(redact_text("bsn999990019"), "bsn[BSN]");
  EXPECT_EQ(redact_text("BSN: 123 456 789"), "BSN: [BSN]") << "after \"bsn\" checked or not";
  EXPECT_EQ(redact_text("bedrag 123 456 789 euro"), "bedrag 123 456 789 euro")
      << "fails the 11-check, no label: not a BSN";
}

TEST(Redaction, ObfuscatedEmailAddresses) {
  for (const char* email : {"jan [at] example.nl", "jan(at)example(dot)nl", "jan at example dot nl",
                            "j.devries[at]mail.example.com"}) {
    EXPECT_EQ(redact_text(std::string("mail ") + email + " graag"), "mail [EMAIL] graag") << email;
  }
}

TEST(Redaction, ANumberAfterItsLabelIsAReference) {
  EXPECT_EQ(redact_text("dossier WIJK-2026-0042 besproken"), "dossier [REFERENCE] besproken");
  EXPECT_EQ(redact_text("klantnummer bij de corporatie: 2025-298907."),
            "klantnummer bij de corporatie: [REFERENCE].");
  EXPECT_EQ(redact_text("dossier 12 is dun"), "dossier 12 is dun") << "too few digits";
}

TEST(Redaction, NamesAfterTitlesAndCues) {
  EXPECT_EQ(redact_text("gesprek met mevrouw Jansen-de Boer"), "gesprek met mevrouw [NAME]");
  EXPECT_EQ(redact_text("de heer Y.W. van Dijk belde"), "de heer [NAME] belde");
  EXPECT_EQ(redact_text("buurman Kees Scharroo zag het"), "buurman [NAME] zag het");
  EXPECT_EQ(redact_text("een jongen genaamd Dylano Stichter"), "een jongen genaamd [NAME]");
  EXPECT_EQ(redact_text("zoon van Kyano Meeres"), "zoon van [NAME]");
  EXPECT_EQ(redact_text("dhr. Opmans"), "dhr. [NAME]");
  EXPECT_EQ(redact_text("zijn moeder (Loes Dorsman) belde"), "zijn moeder ([NAME]) belde");
}

TEST(Redaction, NamesOfTheGazetteerWithTheirTussenvoegsels) {
  EXPECT_EQ(redact_text("Sanne El Amrani vroeg om hulp"), "[NAME] vroeg om hulp");
  EXPECT_EQ(redact_text("samen met Daan van der Meer"), "samen met [NAME]");
  EXPECT_EQ(redact_text("het huis van de Jong"), "het huis [NAME]")
      << "\"de Jong\" is a name with its tussenvoegsel (and takes \"van\" along)";
  EXPECT_EQ(redact_text("hij is nog jong en Jong geleerd"), "hij is nog jong en Jong geleerd")
      << "\"Jong\" alone is a word";
  EXPECT_EQ(redact_text("J.P. Scharroo tekende"), "[NAME] tekende") << "initials make a name";
}

TEST(Redaction, NamesInListsAndEveryLaterMention) {
  EXPECT_EQ(redact_text("De kinderen Kyano en Esila gaan naar school."),
            "De kinderen [NAME] en [NAME] gaan naar school.");
  EXPECT_EQ(redact_text("Aanwezig: Stef Bovene (GGZ), Indy Meeres (wijkteam)."),
            "Aanwezig: [NAME] (GGZ), [NAME] (wijkteam).");
  EXPECT_EQ(redact_text("Buurvrouw Loes Stoffel belde. Stoffel zag hem vallen."),
            "Buurvrouw [NAME] belde. [NAME] zag hem vallen.");
}

TEST(Redaction, WordsThatOnlyLookLikeNamesStay) {
  const std::string text =
      "Daarna heeft de wijkagent contact gehad met Veilig Thuis en de GGZ. Maandag om 10.00 uur "
      "volgt een gesprek, 3 keer per week dagbesteding via de Wmo. Zijn Marokkaanse moeder is "
      "bezorgd.";
  EXPECT_EQ(redact_text(text), text);
}

TEST(Redaction, TheMessagesOwnValuesWhereverTheyRecur) {
  const nlohmann::json data = {{"name", "Sanne El Amrani"},
                               {"birth_date", "1981-02-24"},
                               {"address", "Adelaarstraat 87"},
                               {"postcode", "3511 AB"},
                               {"phone", "0612345678"},
                               {"email", "s.elamrani@example.nl"},
                               {"client_number", "WIJK-2026-0042"},
                               {"city", "Huizen"}};
  const std::string text =
      "Hulpvraag van Sanne El Amrani (BSN 999 990 019, geb. 24-02-1981): schuldhulp, woont "
      "ADELAARSTRAAT  87 3511 AB, tel +31 6 1234 5678, s.elamrani [at] example.nl. Later: "
      "mevr. El Amrani, S. El Amrani, Sanne; klant wijk 2026 0042 uit huizen, jarig 24 feb.";
  const std::string out = with_context(data, text);
  for (const char* value : {"Sanne", "Amrani", "999", "1981", "ADELAARSTRAAT", "87", "3511", "5678",
                            "elamrani", "2026", "0042", "huizen", "24 feb"}) {
    EXPECT_EQ(out.find(value), std::string::npos) << value << " survived in: " << out;
  }
}

TEST(Redaction, OwnValuesMatchWholeWordsOnly) {
  const nlohmann::json data = {{"name", "Piet Stoffel"}, {"phone", "0612345678"}};
  EXPECT_EQ(with_context(data, "Pieterse en Stoffels belden 06123456789"),
            "Pieterse en Stoffels belden 06123456789");
}

TEST(Redaction, CountsMasksPerKindNeverValues) {
  const auto& redactor = Redactor::standard();
  const std::string text = "Mevrouw Jansen (geb. 24-02-1981) en dhr. Bakker, tel 06-12345678.";
  const auto out = redactor.redact(text, redactor.context_of_text(text));
  EXPECT_EQ(out.counts.summary(), "name:2,date:1,phone:1");
  EXPECT_EQ(out.counts.total(), 4u);
  EXPECT_EQ(RedactionCounts{}.summary(), "none");
}

TEST(Redaction, AMaskNeverCutsAWordAndChangesNothingElse) {
  const std::string text = "Jan999990019 en 123456789Kerkstraat 1 en Sannes en \xc3\xa9Jan.";
  const std::string out = redact_text(text);
  static const re2::RE2 bsn_word(R"(\b[0-9]{9}\b)");
  EXPECT_FALSE(re2::RE2::PartialMatch(out, bsn_word)) << out;
  EXPECT_NE(out.find("Sannes"), std::string::npos);
}

TEST(Redaction, TheGazetteerParsesAndRefusesWhatIsNoName) {
  EXPECT_GT(Redactor::standard().redact("Sanne", {}).counts.total(), 0u);
  redaction::Gazetteer gazetteer;
  EXPECT_TRUE(gazetteer.add("van der Spreeuw"));
  EXPECT_TRUE(gazetteer.add("Zoë"));
  EXPECT_FALSE(gazetteer.add("jansen")) << "not capitalised";
  EXPECT_FALSE(gazetteer.add("Jan Piet")) << "only tussenvoegsels before the last word";
  EXPECT_FALSE(gazetteer.add("Maandag")) << "a word notes use as no name";
  EXPECT_FALSE(gazetteer.add(""));
}

TEST(Redaction, ARegionExtendsTheGazetteer) {
  EXPECT_EQ(redact_text("Spreeuwenberg belde"), "Spreeuwenberg belde");
  const std::vector<std::string> names = {"Spreeuwenberg", "van Oss"};
  auto redactor = Redactor::create(names);
  ASSERT_TRUE(redactor.has_value()) << redactor.error();
  EXPECT_EQ((*redactor)->redact("Spreeuwenberg belde van Oss", {}).text, "[NAME] belde [NAME]");
  const std::vector<std::string> bad = {"spreeuw"};
  EXPECT_FALSE(Redactor::create(bad).has_value());
}

}  // namespace
}  // namespace schakel::policy
