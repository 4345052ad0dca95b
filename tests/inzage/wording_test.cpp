// The person's language: Dutch phrases per transform, and Europe/Amsterdam
// times — a summer and a winter moment, the switch minutes, and a sweep over
// ten years against the system's time-zone database (tzdata) as the oracle.
#include "inzage/wording.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

namespace schakel::inzage {
namespace {

policy::FieldSpec field(const char* name, const char* title_nl) {
  policy::FieldSpec spec;
  spec.name = name;
  spec.title_nl = title_nl;
  return spec;
}

TEST(WordingTest, EachTransformHasItsDutchPhrase) {
  const auto birth = field("birth_date", "geboortedatum");
  EXPECT_EQ(shared_as(birth, "age_band")->nl, "geboortedatum als leeftijdscategorie");
  EXPECT_EQ(shared_as(birth, "age_band")->en, "birth_date as an age band");
  EXPECT_EQ(shared_as(birth, "year")->nl, "geboortedatum als jaartal");
  EXPECT_EQ(shared_as(birth, "keep")->nl, "geboortedatum");
  EXPECT_EQ(shared_as(field("postcode", "postcode"), "postcode4")->nl,
            "postcode als viercijferige postcode");
  EXPECT_EQ(shared_as(field("incident_summary", "vrije tekst"), "redact")->nl,
            "vrije tekst met persoonsgegevens verwijderd");
  EXPECT_EQ(shared_as(field("client_number", "cliëntnummer"), "pseudonymise")->nl,
            "cliëntnummer vervangen door een pseudoniem");
  EXPECT_FALSE(shared_as(birth, "drop"));  // never shared: no phrase
  EXPECT_FALSE(shared_as(birth, "rot13"));
  EXPECT_EQ(subject_shared_as(policy::SubjectAction::kPseudonymise).nl,
            "BSN vervangen door een pseudoniem");
  EXPECT_EQ(subject_shared_as(policy::SubjectAction::kBsn).nl, "BSN verstrekt");
}

TEST(WordingTest, SummerAndWinterInAmsterdam) {
  const auto summer = amsterdam_time("2026-07-01T14:35:42.123Z");
  ASSERT_TRUE(summer) << summer.error();
  EXPECT_EQ(summer->iso, "2026-07-01T16:35:42+02:00");
  EXPECT_EQ(summer->readable, "1 juli 2026, 16:35");
  const auto winter = amsterdam_time("2026-01-15T09:05:00Z");
  ASSERT_TRUE(winter) << winter.error();
  EXPECT_EQ(winter->iso, "2026-01-15T10:05:00+01:00");
  EXPECT_EQ(winter->readable, "15 januari 2026, 10:05");
}

TEST(WordingTest, TheSwitchMinutes) {
  EXPECT_EQ(amsterdam_time("2026-03-29T00:59:59Z")->iso, "2026-03-29T01:59:59+01:00");
  EXPECT_EQ(amsterdam_time("2026-03-29T01:00:00Z")->iso, "2026-03-29T03:00:00+02:00");
  EXPECT_EQ(amsterdam_time("2026-10-25T00:59:59Z")->iso, "2026-10-25T02:59:59+02:00");
  EXPECT_EQ(amsterdam_time("2026-10-25T01:00:00Z")->iso, "2026-10-25T02:00:00+01:00");
}

TEST(WordingTest, OnlyTheTrailsUtcTimesAreRead) {
  for (const char* bad :
       {"", "2026-07-01", "2026-07-01T14:35:42", "2026-07-01T14:35:42+02:00",
        "2026-13-01T14:35:42Z", "2026-07-01T14:35:42.Z", "2026-07-01T14:35:42.1aZ",
        "2026-07-01 14:35:42Z", "yesterday at noon, UTC Z"}) {
    EXPECT_FALSE(amsterdam_time(bad)) << bad;
  }
}

// Every hour (and the minute before it) of 2020 to 2030 against tzdata's
// Europe/Amsterdam through localtime_r.
TEST(WordingTest, TenYearsAgreeWithTheTimeZoneDatabase) {
  ::setenv("TZ", "Europe/Amsterdam", 1);
  ::tzset();
  const std::int64_t start = 1577836800;  // 2020-01-01T00:00:00Z
  const std::int64_t end = 1893456000;    // 2030-01-01T00:00:00Z
  int compared = 0;
  for (std::int64_t t = start; t < end; t += 3600) {
    for (const std::int64_t moment : {t - 1, t}) {
      std::time_t seconds = static_cast<std::time_t>(moment);
      std::tm tm{};
      ::localtime_r(&seconds, &tm);
      char expected[80];
      std::snprintf(expected, sizeof expected, "%04d-%02d-%02dT%02d:%02d:%02d+0%ld:00",
                    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                    tm.tm_gmtoff / 3600);
      ASSERT_EQ(amsterdam_time(moment).iso, expected) << moment;
      ++compared;
    }
  }
  ::unsetenv("TZ");
  ::tzset();
  EXPECT_GT(compared, 170'000);
}

}  // namespace
}  // namespace schakel::inzage
