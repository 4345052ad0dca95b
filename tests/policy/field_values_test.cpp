#include "policy/field_values.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace schakel::policy {
namespace {

using namespace std::chrono;

year_month_day date(int y, unsigned m, unsigned d) {
  return year{y} / month{m} / day{d};
}

TEST(FieldValues, GeneralisesADateToItsYear) {
  EXPECT_EQ(generalise_year(date(1987, 3, 14)), "1987");
}

TEST(FieldValues, AgeBandTurnsOnTheBirthday) {
  const auto birth = date(2008, 6, 15);
  EXPECT_EQ(generalise_age_band(birth, date(2026, 6, 14)), "12-17") << "17 the day before";
  EXPECT_EQ(generalise_age_band(birth, date(2026, 6, 15)), "18-24") << "18 on the birthday";
  EXPECT_EQ(generalise_age_band(date(1987, 3, 14), date(2026, 11, 25)), "35-44");
  EXPECT_EQ(generalise_age_band(date(1940, 1, 1), date(2026, 11, 25)), "75+");
  EXPECT_EQ(generalise_age_band(date(2020, 1, 1), date(2026, 11, 25)), "0-11");
}

TEST(FieldValues, LeapDayBirthdaysCountFromMarchFirstInOtherYears) {
  const auto birth = date(2008, 2, 29);
  EXPECT_EQ(generalise_age_band(birth, date(2026, 2, 28)), "12-17");
  EXPECT_EQ(generalise_age_band(birth, date(2026, 3, 1)), "18-24");
}

TEST(FieldValues, PostcodeKeepsItsFourDigits) {
  EXPECT_EQ(generalise_postcode("3511 AB"), "3511");
  EXPECT_EQ(generalise_postcode("3511ab"), "3511");
  EXPECT_FALSE(generalise_postcode("0511 AB").has_value()) << "no postcode starts with 0";
  EXPECT_FALSE(generalise_postcode("3511  AB").has_value());
  EXPECT_FALSE(generalise_postcode("35110").has_value());
}

TEST(FieldValues, RedactsEveryIdentifierInFreeText) {
  const std::string text =
      "Bel 06-12345678 of +31 6 87654321, mail jan.de.vries@example.nl, BSN 999990019 en "
      "111222333, IBAN NL91 ABNA 0417 1643 00, woont 3511 AB. Über-zorg blijft: café.";
  const std::string out = redact_text(text);
  for (const char* secret :
       {"06-12345678", "87654321", "jan.de.vries", "999990019", "111222333", "0417", "3511 AB"}) {
    EXPECT_EQ(out.find(secret), std::string::npos) << secret << " survived in: " << out;
  }
  EXPECT_NE(out.find("[PHONE]"), std::string::npos);
  EXPECT_NE(out.find("[EMAIL]"), std::string::npos);
  EXPECT_NE(out.find("[BSN]"), std::string::npos);
  EXPECT_NE(out.find("[IBAN]"), std::string::npos);
  EXPECT_NE(out.find("[POSTCODE]"), std::string::npos);
  EXPECT_NE(out.find("Über-zorg blijft: café."), std::string::npos) << "Unicode text intact";
}

TEST(FieldValues, RedactsDutchLicencePlatesOfEverySidecode) {
  const std::vector<std::string> plates = {"AB-12-34", "12-34-AB", "12-AB-34", "AB-12-CD",
                                           "AB-CD-12", "12-AB-CD", "12-ABC-3", "1-ABC-23",
                                           "AB-123-C", "A-123-BC", "ABC-12-D", "A-12-BCD",
                                           "1-AB-234", "123-AB-4", "GZ123T"};
  for (const auto& plate : plates) {
    const std::string out = redact_text("Auto met kenteken " + plate + " gezien.");
    EXPECT_EQ(out, "Auto met kenteken [KENTEKEN] gezien.") << plate;
  }
  EXPECT_EQ(redact_text("Melding 20-11-2026 om 12-30 uur"), "Melding [DATE] om 12-30 uur")
      << "a date is a date, a time is no plate";
}

TEST(FieldValues, RedactsEveryOccurrenceInALongText) {
  std::string text;
  for (int i = 0; i < 500; ++i) {
    text += "Regel " + std::to_string(i) + ": bel 06-12345678, BSN 999990019, AB-12-CD. ";
  }
  const std::string out = redact_text(text);
  EXPECT_EQ(out.find("12345678"), std::string::npos);
  EXPECT_EQ(out.find("999990019"), std::string::npos);
  EXPECT_EQ(out.find("AB-12-CD"), std::string::npos);
  std::size_t count = 0;
  for (auto at = out.find("[BSN]"); at != std::string::npos; at = out.find("[BSN]", at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 500u);
  EXPECT_NE(out.find("Regel 499: "), std::string::npos);
}

TEST(FieldValues, ChecksValuesAgainstTheirDeclaredType) {
  FieldSpec level{"risk_level", "care", FieldType::kEnum, {"low", "high"}};
  EXPECT_TRUE(matches_type(level, "high"));
  EXPECT_FALSE(matches_type(level, "extreme"));
  FieldSpec birth{"birth_date", "demographic", FieldType::kDate, {}};
  EXPECT_TRUE(matches_type(birth, "1987-03-14"));
  EXPECT_FALSE(matches_type(birth, 1987));
  FieldSpec count{"household_children", "demographic", FieldType::kNumber, {}};
  EXPECT_TRUE(matches_type(count, 2));
  EXPECT_FALSE(matches_type(count, "two"));
}

}  // namespace
}  // namespace schakel::policy
