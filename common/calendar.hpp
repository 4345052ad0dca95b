#pragma once
// Calendar dates, the one place that reads and writes them: "YYYY-MM-DD"
// (field values, retention, `--now`), "YYYY-MM" (audit-token key months),
// and UTC today. Parsing is strict: exactly these digits, a real date.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace schakel::calendar {

using Date = std::chrono::year_month_day;

// "YYYY-MM-DD" with a date that exists (2023-02-29 does not); nothing otherwise.
[[nodiscard]] std::optional<Date> parse_date(std::string_view text);
// The date an ISO 8601 timestamp ("2026-11-26T12:00:00.000Z") starts with.
[[nodiscard]] std::optional<Date> date_of_timestamp(std::string_view timestamp);
[[nodiscard]] std::string format_date(Date date);   // "YYYY-MM-DD"
[[nodiscard]] std::string format_month(Date date);  // "YYYY-MM"
// Seconds since the epoch as "YYYY-MM-DDTHH:MM:SSZ" (UTC).
[[nodiscard]] std::string format_instant(std::int64_t unix_seconds);
// "YYYY-MM" with a month 01..12.
[[nodiscard]] bool is_month(std::string_view text);
[[nodiscard]] Date today_utc();
// Seconds since the epoch, now (the system clock).
[[nodiscard]] std::int64_t unix_now();
[[nodiscard]] Date date_of(std::chrono::system_clock::time_point when);

}  // namespace schakel::calendar
