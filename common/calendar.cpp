#include "common/calendar.hpp"

#include <cstdio>
#include <ctime>

namespace schakel::calendar {
namespace {

// The decimal number in text[from, from + count), digits only.
std::optional<int> digits(std::string_view text, std::size_t from, std::size_t count) {
  int value = 0;
  for (std::size_t i = from; i < from + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

std::optional<Date> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const auto y = digits(text, 0, 4);
  const auto m = digits(text, 5, 2);
  const auto d = digits(text, 8, 2);
  if (!y || !m || !d) return std::nullopt;
  const Date date{std::chrono::year{*y}, std::chrono::month{static_cast<unsigned>(*m)},
                  std::chrono::day{static_cast<unsigned>(*d)}};
  if (!date.ok()) return std::nullopt;
  return date;
}

std::optional<Date> date_of_timestamp(std::string_view timestamp) {
  if (timestamp.size() < 10) return std::nullopt;
  if (timestamp.size() > 10 && timestamp[10] != 'T') return std::nullopt;
  return parse_date(timestamp.substr(0, 10));
}

std::string format_date(Date date) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

std::string format_month(Date date) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()));
  return text;
}

bool is_month(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return false;
  const auto y = digits(text, 0, 4);
  const auto m = digits(text, 5, 2);
  return y && m && *m >= 1 && *m <= 12;
}

Date date_of(std::chrono::system_clock::time_point when) {
  return Date{std::chrono::floor<std::chrono::days>(when)};
}

Date today_utc() {
  return date_of(std::chrono::system_clock::now());
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string format_instant(std::int64_t unix_seconds) {
  const auto when = static_cast<std::time_t>(unix_seconds);
  std::tm parts{};
  gmtime_r(&when, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

}  // namespace schakel::calendar
