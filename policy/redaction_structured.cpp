// Pass 1 of the redaction: identifiers and structures by fixed patterns, all
// in one RE2 alternation (one DFA pass); each match is then told apart by the
// detectors alone, on the match only. A detector may mask only a part of its
// match (its group: the digits after "bsn") or check it further (the 11-check).
#include <re2/set.h>
#include <algorithm>
#include <cstdlib>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "policy/bsn.hpp"
#include "policy/redaction_detail.hpp"

namespace schakel::policy::redaction {
namespace {

// Dutch licence plates, sidecodes 1 to 14, with or without dashes.
constexpr std::string_view kPlate =
    R"(\b(?:[A-Z]{2}-?[0-9]{2}-?[0-9]{2}|[0-9]{2}-?[0-9]{2}-?[A-Z]{2}|[0-9]{2}-?[A-Z]{2}-?[0-9]{2})"
    R"(|[A-Z]{2}-?[0-9]{2}-?[A-Z]{2}|[A-Z]{2}-?[A-Z]{2}-?[0-9]{2}|[0-9]{2}-?[A-Z]{2}-?[A-Z]{2})"
    R"(|[0-9]{2}-?[A-Z]{3}-?[0-9]|[0-9]-?[A-Z]{3}-?[0-9]{2}|[A-Z]{2}-?[0-9]{3}-?[A-Z])"
    R"(|[A-Z]-?[0-9]{3}-?[A-Z]{2}|[A-Z]{3}-?[0-9]{2}-?[A-Z]|[A-Z]-?[0-9]{2}-?[A-Z]{3})"
    R"(|[0-9]-?[A-Z]{2}-?[0-9]{3}|[0-9]{3}-?[A-Z]{2}-?[0-9])\b)";

constexpr std::string_view kDay = R"((?:0?[1-9]|[12][0-9]|3[01]))";
constexpr std::string_view kMonth = R"((?:0?[1-9]|1[0-2]))";
constexpr std::string_view kMonthName =
    R"((?i:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november)"
    R"(|december|jan|febr|feb|mrt|mar|apr|jun|jul|aug|sept|sep|okt|oct|nov|dec))";
constexpr std::string_view kStreetSuffix =
    R"((?:straat|weg|laan|plein|gracht|kade|singel|dijk|steeg|hof|pad|dreef|markt|baan|ring)"
    R"(|boulevard|park|plantsoen|wal|haven|veld|erf|hoek|dam|allee|poort|oord|brink|kamp)"
    R"(|akker|weide|gaarde|horst|stede|burg|berg|zijde|dal|vaart|wetering|kanaal|promenade)"
    R"(|passage|hoven|tuin|tuinen|kwartier|lei|donk|broek|beek|hout))";
// Between the capitalised words of a street name: "Burgemeester de With", "Laan van".
constexpr std::string_view kStreetParticle = R"((?:van|de|der|den|het|'t|ter|ten))";
// Labels of a client, case or file number.
constexpr std::string_view kReferenceLabel =
    R"(\b(?i:cli[eë]ntnummer|cli[eë]ntnr|klantnummer|klantnr|dossiernummer|dossiernr|dossier)"
    R"(|registratienummer|zaaknummer|zaaknr|kenmerk|referentienummer|referentie|relatienummer)"
    R"(|huurdernummer|polisnummer|pasnummer|documentnummer|paspoortnummer|rijbewijsnummer)"
    R"(|v-nummer|parketnummer|pv-nummer|mutatienummer|registratienr))";
// Written-out "at" and "dot" of an e-mail address that hides from harvesters.
constexpr std::string_view kAt =
    R"((?:[ \t]*(?i:\[at\]|\(at\)|\{at\}|\[@\]|\(@\)|\[apenstaartje\]|\(apenstaartje\))[ \t]*)"
    R"(|[ \t]+(?i:at)[ \t]+))";
constexpr std::string_view kDot =
    R"((?:\.|[ \t]*(?i:\[dot\]|\(dot\)|\{dot\}|\[punt\]|\(punt\))[ \t]*|[ \t]+(?i:dot|punt)[ \t]+))";

struct Detector {
  RedactionKind kind;
  std::string pattern;
  bool masks_inner_group = false;  // mask only the detector's first inner group
  bool needs_bsn_check = false;    // the digits must pass the 11-check
  std::size_t least_digits = 0;    // the masked part must hold this many digits
};

std::string cat(std::initializer_list<std::string_view> pieces) {
  std::string out;
  for (const auto piece : pieces) out += piece;
  return out;
}

// Leftmost-first: where two detectors match at the same character, the
// earlier wins. A mask never cuts a word in two: an e-mail address runs to
// the end of its word, "0031" must start one (both found by tests/fuzz).
std::vector<Detector> make_detectors() {
  using K = RedactionKind;
  const std::string street_word = cat(
      {R"((?:\p{L}[\p{L}'’\-]*)", kStreetSuffix,
       R"(|(?:Laan|Plein|Kade|Singel|Dijk|Weg|Hof|Park|Dreef|Markt|Gracht|Straat|Wal|Haven))",
       R"((?:[ \t]+(?:)", kStreetParticle, R"([ \t]+)+\p{Lu}\p{Ll}+(?:[ \t]+\p{Lu}\p{Ll}+)?)?))"});
  const std::string house_number =
      R"([ \t]*(?:(?i:nr)\.?[ \t]*)?[0-9]{1,5}(?:(?:[a-zA-Z]|bis|hs)\b|\b(?:[ \t]?-[ \t]?)"
      R"((?:[0-9]{1,4}|[A-Za-z])\b|[ \t][A-Z]\b|[ \t\-]+(?:I{1,3}|IV|hs|HS|bis|zw|rd|bg|huis)"
      R"(|boven|beneden)\b)?))";
  return {
      {K::kIban, R"((?i:\b[A-Z]{2}[0-9]{2} ?[A-Z]{4}(?: ?[0-9]){10}\b))"},
      {K::kEmail, R"([A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}\w*)"},
      // "jan [at] example.nl", "jan(at)example(dot)nl", "jan at example dot nl"
      {K::kEmail,
       cat({R"([A-Za-z0-9._%+\-]+)", kAt, R"([A-Za-z0-9\-]+(?:)", kDot, R"([A-Za-z0-9\-]+)+\w*)"})},
      // "dossier WIJK-2026-0042", "cliëntnummer: RN418999", "klantnummer bij X: 2025-298907"
      {K::kReference,
       cat({kReferenceLabel, R"((?:[ \t]*[:#]?[ \t]*|[^.\n:]{1,30}:[ \t]*))",
            R"(((?:[A-Za-z]{1,8}[\-/]?|[A-Z]{1,8} )?[0-9][0-9A-Za-z]*(?:[ \-/.][0-9][0-9A-Za-z]*)*)\b)"}),
       true, false, 4},
      // 24-02-1981, 24/2/81, 24.02.1981, 24-2-'81; 1981-02-24
      {K::kDate,
       cat({R"(\b)", kDay, R"([\-/.])", kMonth, R"([\-/.](?:(?:19|20)[0-9]{2}|'?[0-9]{2})\b)"})},
      {K::kDate, cat({R"(\b(?:19|20)[0-9]{2}[\-/.])", kMonth, R"([\-/.])", kDay, R"(\b)"})},
      // 24 februari 1981, 3 mrt., 1e maart, 24 feb '81
      {K::kDate, cat({R"(\b)", kDay, R"((?:e|ste|de)?[ \t]*)", kMonthName,
                      R"(\b\.?(?:[ \t]*,?[ \t]*(?:(?:19|20)[0-9]{2}|'[0-9]{2})\b)?)"})},
      // januari 2019, sept. '81: a month and its year
      {K::kDate, cat({R"(\b)", kMonthName, R"(\b\.?[ \t]+(?:(?:19|20)[0-9]{2}|'[0-9]{2})\b)"})},
      // +31 6 12345678, +31(0)20-1234567, 0031 ..., (0031) ...
      {K::kPhone, R"((?:\+|\b00|\((?:\+|00)?)31\)?[ \t\-]*(?:\(0\)[ \t\-]*)?)"
                  R"([0-9](?:[ \t.\-]?[0-9]){7,10}\b)"},
      // 06-12345678, 020 123 45 67, 0612345678: ten digits from a 0
      {K::kPhone, R"(\b0[ \t.\-]?[0-9](?:[ \t.\-]?[0-9]){8}\b)"},
      // (020) 1234567, (0159) 714398
      {K::kPhone, R"(\(0[0-9]{1,3}\)[ \t\-]*[0-9](?:[ \t\-]?[0-9]){5,7}\b)"},
      // "bsn 999 990 019", "BSN: 999990019", "bsn999990019": the digits
      {K::kBsn, R"((?i:\bbsn)[:.#]?[ \t]*(?i:nr\.?|nummer)?[:. \t]*([0-9](?:[ .\-]?[0-9]){8})\b)",
       true},
      // 999 990 019, 999.990.019, 9999.90.019 when they pass the 11-check
      {K::kBsn,
       R"(\b(?:[0-9]{3}[ .\-][0-9]{3}[ .\-][0-9]{3}|[0-9]{4}[ .\-][0-9]{2}[ .\-][0-9]{3})\b)",
       false, true},
      // Nine digits as a word: a BSN, checked or not (the safe side).
      {K::kBsn, R"(\b[0-9]{9}\b)"},
      // Kerkstraat 12a, Burgemeester de Withstraat 3-II, Laan van Meerdervoort 22 hs
      {K::kAddress, cat({R"((?:\p{Lu}[\p{L}.'’\-]*[ \t]+(?:)", kStreetParticle, R"([ \t]+)*){0,3})",
                         street_word, house_number})},
      {K::kPostcode, R"(\b[1-9][0-9]{3} ?[A-Z]{2}\b)"},
      {K::kPlate, std::string(kPlate)},
  };
}

struct Compiled {
  std::vector<Detector> detectors;
  std::vector<std::unique_ptr<const re2::RE2>> alone;  // each detector by itself, for its group
  std::unique_ptr<re2::RE2::Set> which;                // all of them, anchored: which matched
  std::unique_ptr<const re2::RE2> combined;            // all of them, for the DFA pass
};

const Compiled& compiled() {
  static const Compiled instance = [] {
    Compiled out;
    out.detectors = make_detectors();
    std::string combined;
    re2::RE2::Options options;
    options.set_max_mem(kPatternMemory);
    out.which = std::make_unique<re2::RE2::Set>(options, re2::RE2::ANCHOR_BOTH);
    for (const auto& detector : out.detectors) {
      out.alone.push_back(std::make_unique<const re2::RE2>(detector.pattern));
      // The patterns are constants of this file.
      if (!out.alone.back()->ok() || out.which->Add(detector.pattern, nullptr) < 0) std::abort();
      combined += (combined.empty() ? "(?:" : "|(?:") + detector.pattern + ")";
    }
    out.combined = std::make_unique<const re2::RE2>(combined, options);
    if (!out.combined->ok() || !out.which->Compile()) std::abort();
    return out;
  }();
  return instance;
}

std::string digits_of(std::string_view text) {
  std::string digits;
  for (const char c : text) {
    if (c >= '0' && c <= '9') digits += c;
  }
  return digits;
}

}  // namespace

std::vector<Found> find_structured(std::string_view text) {
  const Compiled& patterns = compiled();
  std::vector<re2::StringPiece> groups(2);
  std::vector<int> matched;
  std::vector<Found> found;
  for_each_match(*patterns.combined, text, [&](std::size_t begin, std::size_t end) {
    // The first detector that matches exactly this is the one that matched
    // (leftmost-first); the last one stands when none does.
    matched.clear();
    patterns.which->Match(re2::StringPiece(text.data() + begin, end - begin), &matched);
    const auto which = matched.empty() ? patterns.detectors.size() - 1
                                       : static_cast<std::size_t>(std::ranges::min(matched));
    const Detector& detector = patterns.detectors[which];
    if (detector.needs_bsn_check && !is_valid_bsn(digits_of(text.substr(begin, end - begin)))) {
      return next_char(text, begin);  // not a BSN: look again from its second character
    }
    Found masked{begin, end, detector.kind};
    if (detector.masks_inner_group) {
      if (!matches_exactly(*patterns.alone[which], text, begin, end, &groups)) return end;
      masked.begin = offset_of(text, groups[1]);
      masked.end = masked.begin + groups[1].size();
    }
    if (digits_of(text.substr(masked.begin, masked.end - masked.begin)).size() <
        detector.least_digits) {
      return next_char(text, begin);
    }
    if (!whole_words(text, masked.begin, masked.end)) return next_char(text, begin);
    found.push_back(masked);
    return end;
  });
  return found;
}

}  // namespace schakel::policy::redaction
