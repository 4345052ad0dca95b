#include "inzage/wording.hpp"

#include <array>
#include <cstdio>
#include <ctime>

#include <boost/date_time/local_time/local_time.hpp>
#include <boost/date_time/posix_time/posix_time.hpp>

namespace schakel::inzage {
namespace {

// Europe/Amsterdam as a POSIX-style rule: CET (UTC+1), CEST (UTC+2) from the
// last Sunday of March 02:00 to the last Sunday of October 03:00 local time.
// (Boost writes the offset east-positive: "CET+1", where POSIX's TZ says "CET-1".)
const boost::local_time::time_zone_ptr& amsterdam() {
  static const boost::local_time::time_zone_ptr zone(
      new boost::local_time::posix_time_zone("CET+1CEST,M3.5.0/2,M10.5.0/3"));
  return zone;
}

constexpr std::array<const char*, 12> kMonths = {"januari",   "februari", "maart",    "april",
                                                 "mei",       "juni",     "juli",     "augustus",
                                                 "september", "oktober",  "november", "december"};

}  // namespace

std::expected<Phrase, std::string> shared_as(const policy::FieldSpec& field,
                                             std::string_view transform) {
  const std::string& nl = field.title_nl;
  const std::string& en = field.name;
  if (transform == "keep") return Phrase{nl, en};
  if (transform == "year") return Phrase{nl + " als jaartal", en + " as a year"};
  if (transform == "age_band") {
    return Phrase{nl + " als leeftijdscategorie", en + " as an age band"};
  }
  if (transform == "postcode4") {
    return Phrase{nl + " als viercijferige postcode", en + " as its four digits"};
  }
  if (transform == "redact") {
    return Phrase{nl + " met persoonsgegevens verwijderd", en + " with personal details removed"};
  }
  if (transform == "pseudonymise") {
    return Phrase{nl + " vervangen door een pseudoniem", en + " replaced by a pseudonym"};
  }
  return std::unexpected("no wording for the action \"" + std::string(transform) + "\"");
}

Phrase subject_shared_as(policy::SubjectAction action) {
  if (action == policy::SubjectAction::kBsn) return {"BSN verstrekt", "BSN passed on"};
  return {"BSN vervangen door een pseudoniem", "BSN replaced by a pseudonym"};
}

LocalTime amsterdam_time(std::int64_t seconds_since_epoch) {
  using namespace boost::posix_time;
  const ptime utc = from_time_t(static_cast<std::time_t>(seconds_since_epoch));
  const boost::local_time::local_date_time local(utc, amsterdam());
  const ptime wall = local.local_time();
  const auto offset = local.is_dst() ? 2 : 1;
  const auto date = wall.date();
  const auto time = wall.time_of_day();
  char iso[64];
  std::snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02d+0%d:00",
                static_cast<int>(date.year()), static_cast<int>(date.month()),
                static_cast<int>(date.day()), static_cast<int>(time.hours()),
                static_cast<int>(time.minutes()), static_cast<int>(time.seconds()), offset);
  char readable[96];
  std::snprintf(readable, sizeof readable, "%d %s %04d, %02d:%02d", static_cast<int>(date.day()),
                kMonths[static_cast<std::size_t>(date.month()) - 1], static_cast<int>(date.year()),
                static_cast<int>(time.hours()), static_cast<int>(time.minutes()));
  return {iso, readable};
}

std::expected<std::int64_t, std::string> parse_utc(std::string_view utc) {
  // "YYYY-MM-DDTHH:MM:SS", then an optional fraction, then "Z".
  std::tm tm{};
  int consumed = 0;
  const std::string text(utc);
  const auto refuse = [&text] {
    return std::unexpected("not a UTC time of the trail: " + text.substr(0, 40));
  };
  if (text.size() < 20 || text.back() != 'Z' ||
      std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6 ||
      consumed != 19) {
    return refuse();
  }
  const std::string_view fraction = std::string_view(text).substr(19, text.size() - 20);
  if (!fraction.empty() &&
      (fraction[0] != '.' || fraction.size() < 2 ||
       fraction.find_first_not_of("0123456789", 1) != std::string_view::npos)) {
    return refuse();
  }
  if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
      tm.tm_min > 59 || tm.tm_sec > 60) {
    return refuse();
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&tm));
}

std::expected<LocalTime, std::string> amsterdam_time(std::string_view utc) {
  auto seconds = parse_utc(utc);
  if (!seconds) return std::unexpected(seconds.error());
  return amsterdam_time(*seconds);
}

}  // namespace schakel::inzage
