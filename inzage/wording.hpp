#pragma once
// The person's language for inzage (issue 19): how an exchange shared each
// field, in Dutch with English beside it (the console's), and times in
// Europe/Amsterdam. Built from the guideline's Dutch names (title_nl) and
// the transform names the trail records — never from a value.
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

#include "policy/model.hpp"

namespace schakel::inzage {

struct Phrase {
  std::string nl;
  std::string en;
};

// "geboortedatum als leeftijdscategorie" / "birth_date as an age band", for
// a field shared with `transform` (the trail's action name: "keep", "year",
// "age_band", "postcode4", "redact", "pseudonymise"). An unknown action is
// an error (a trail from a newer version): never a guess.
[[nodiscard]] std::expected<Phrase, std::string> shared_as(const policy::FieldSpec& field,
                                                           std::string_view transform);
// The subject: "BSN vervangen door een pseudoniem" or "BSN verstrekt".
[[nodiscard]] Phrase subject_shared_as(policy::SubjectAction action);

// A moment in Europe/Amsterdam (CET/CEST, the EU's rules since 1996).
struct LocalTime {
  std::string iso;       // "2026-07-01T16:35:42+02:00"
  std::string readable;  // "1 juli 2026, 16:35"
};
// The trail's UTC time ("2026-07-01T14:35:42.123Z") in seconds since the
// epoch; an error for anything else.
[[nodiscard]] std::expected<std::int64_t, std::string> parse_utc(std::string_view utc);
// From the trail's UTC time; an error for anything else.
[[nodiscard]] std::expected<LocalTime, std::string> amsterdam_time(std::string_view utc);
[[nodiscard]] LocalTime amsterdam_time(std::int64_t seconds_since_epoch);

}  // namespace schakel::inzage
