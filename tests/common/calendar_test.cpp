// The one place dates are read and written (common/calendar.hpp), against
// std::chrono as the oracle: every day of four years around leap years.
#include "common/calendar.hpp"

#include <gtest/gtest.h>

namespace schakel::calendar {
namespace {

using namespace std::chrono;

TEST(Calendar, ParsesRealDatesOnly) {
  EXPECT_TRUE(parse_date("2024-02-29").has_value()) << "leap day";
  EXPECT_FALSE(parse_date("2023-02-29").has_value()) << "no leap day in 2023";
  EXPECT_FALSE(parse_date("1900-02-29").has_value()) << "1900 was no leap year";
  EXPECT_TRUE(parse_date("2000-02-29").has_value()) << "2000 was";
  for (const char* bad : {"2024-13-01", "2024-1-01", "01-02-2024", "2024-02-30", "2024-00-10",
                          "2024-02-1x", "２０２４-02-01", "", "2024-02-01 "}) {
    EXPECT_FALSE(parse_date(bad).has_value()) << bad;
  }
}

TEST(Calendar, FormatsAndParsesEveryDayTheWayChronoCountsThem) {
  const sys_days first{year{1999} / 12 / 1};
  for (sys_days day = first; day < first + days{4 * 366}; day += days{1}) {
    const Date date{day};
    const auto text = format_date(date);
    auto back = parse_date(text);
    ASSERT_TRUE(back.has_value()) << text;
    EXPECT_EQ(sys_days{*back}, day) << text;
    EXPECT_EQ(format_month(date), text.substr(0, 7));
    EXPECT_TRUE(is_month(format_month(date)));
  }
}

TEST(Calendar, ReadsTheDateOfATimestampAndMonthsStrictly) {
  EXPECT_EQ(date_of_timestamp("2026-11-26T12:00:00.000Z"), Date{year{2026} / 11 / 26});
  EXPECT_EQ(date_of_timestamp("2026-11-26"), Date{year{2026} / 11 / 26});
  EXPECT_FALSE(date_of_timestamp("2026-11-26 12:00").has_value());
  EXPECT_FALSE(date_of_timestamp("2026-11").has_value());
  EXPECT_TRUE(is_month("2026-01"));
  EXPECT_TRUE(is_month("2026-12"));
  for (const char* bad : {"2026-00", "2026-13", "2026-1", "2026-011", "26-01", "2026/01"}) {
    EXPECT_FALSE(is_month(bad)) << bad;
  }
}

}  // namespace
}  // namespace schakel::calendar
