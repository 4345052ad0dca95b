#include "policy/redaction_own_values.hpp"

#include <algorithm>

#include "policy/redaction_names.hpp"

namespace schakel::policy::redaction {
namespace {

// Between two words of a value in the text: at most this many bytes of
// whitespace and punctuation (" - ", ", ", " [", "’ ").
constexpr std::size_t kWidestGap = 4;

constexpr std::string_view kMonthNames[12][4] = {{"januari", "jan"},
                                                 {"februari", "febr", "feb"},
                                                 {"maart", "mrt", "mar"},
                                                 {"april", "apr"},
                                                 {"mei"},
                                                 {"juni", "jun"},
                                                 {"juli", "jul"},
                                                 {"augustus", "aug"},
                                                 {"september", "sept", "sep"},
                                                 {"oktober", "okt", "oct"},
                                                 {"november", "nov"},
                                                 {"december", "dec"}};

bool gap_fits(std::string_view text, const std::vector<Word>& words, std::size_t index) {
  const std::size_t from = words[index - 1].end;
  const std::size_t to = words[index].begin;
  return to - from <= kWidestGap && text.substr(from, to - from).find('\n') == std::string::npos;
}

std::string padded(unsigned number) {
  return (number < 10 ? "0" : "") + std::to_string(number);
}

}  // namespace

void OwnValues::add(Form form) {
  if (form.units.empty()) return;
  std::string key = std::to_string(static_cast<int>(form.kind)) + (form.capitalised ? "C" : "-") +
                    std::to_string(form.least_words);
  for (const auto& unit : form.units) key += (unit.digits ? "#" : "|") + unit.normal;
  if (!seen_.emplace(key, true).second) return;
  const auto& first = form.units.front();
  by_first_[first.digits ? "#" + first.normal.substr(0, 1) : first.normal].push_back(forms_.size());
  forms_.push_back(std::move(form));
}

void OwnValues::add_text(RedactionKind kind, std::string_view value) {
  Form whole{{}, kind};
  std::size_t significant = 0;
  bool after_particle = false;  // "van 't Wel": a surname, though "Wel" is a word too
  for (const auto& word : words_of(value)) {
    significant += word.end - word.begin;
    if (word.digits && !whole.units.empty() && whole.units.back().digits) {
      whole.units.back().normal += word.normal;  // "WIJK-2026-0042": wijk, 20260042
    } else {
      whole.units.push_back({word.normal, word.digits});
    }
    const auto text = value.substr(word.begin, word.end - word.begin);
    const bool particle = is_tussenvoegsel(text) || text == "t" || text == "s";
    if (!word.digits && word.capitalised && !particle && (after_particle || !is_not_a_name(text))) {
      add({{{word.normal, false}}, RedactionKind::kValue, true});
    }
    after_particle = particle;
  }
  for (const auto& unit : whole.units) {
    if (unit.digits && unit.normal.size() >= 5) add({{unit}, RedactionKind::kValue});
  }
  // Its ends of two words or more: "El Amrani", "van der Meer", "die Pelser".
  for (std::size_t from = 1; from + 1 < whole.units.size(); ++from) {
    Form tail{{whole.units.begin() + static_cast<std::ptrdiff_t>(from), whole.units.end()}, kind};
    add(std::move(tail));
  }
  if (significant >= 3) add(std::move(whole));
}

void OwnValues::add_number(std::string_view digits) {
  if (digits.size() >= 3) add({{{std::string(digits), true}}, RedactionKind::kValue});
}

void OwnValues::add_date(std::chrono::year_month_day date) {
  const auto day = static_cast<unsigned>(date.day());
  const auto month = static_cast<unsigned>(date.month());
  const auto year = static_cast<unsigned>(static_cast<int>(date.year()));
  const std::string y4 = std::to_string(year);
  const std::string y2 = padded(year % 100);
  for (const auto& d : {std::to_string(day), padded(day)}) {
    for (const auto& m : {std::to_string(month), padded(month)}) {
      for (const auto& digits : {d + m + y4, d + m + y2, y4 + m + d}) {
        // Eight digits stand alone (24021981); shorter only as three numbers (24-2-81).
        add({{{digits, true}}, RedactionKind::kDate, false, digits.size() == 8 ? 1u : 3u});
      }
    }
    for (const auto name : kMonthNames[month - 1]) {
      if (name.empty()) continue;
      const Unit day_unit{d, true};
      const Unit month_unit{std::string(name), false};
      add({{day_unit, month_unit, {y4, true}}, RedactionKind::kDate, false, 1, Fillers::kDate});
      add({{day_unit, month_unit, {y2, true}}, RedactionKind::kDate, false, 1, Fillers::kDate});
      add({{day_unit, month_unit}, RedactionKind::kDate, false, 1, Fillers::kDate});
    }
  }
}

void OwnValues::add_phone(std::string_view value) {
  std::string digits;
  for (const auto& word : words_of(value)) {
    if (word.digits) digits += word.normal;
  }
  if (digits.size() < 6) return;
  add({{{digits, true}}, RedactionKind::kPhone});
  std::string national = digits;
  if (value.find('+') != std::string_view::npos && national.starts_with("31")) {
    national.erase(0, 2);
  } else if (national.starts_with("0031")) {
    national.erase(0, 4);
  }
  const std::size_t first = national.find_first_not_of('0');
  if (first == std::string::npos || national.size() - first < 6) return;
  const std::string core = national.substr(first);
  for (const auto* prefix : {"0", "31", "310", "0031", "00310"}) {
    add({{{prefix + core, true}}, RedactionKind::kPhone});
  }
}

void OwnValues::add_email(std::string_view value) {
  Form form{{}, RedactionKind::kEmail, false, 1, Fillers::kEmail};
  for (const auto& word : words_of(value)) form.units.push_back({word.normal, word.digits});
  add(std::move(form));
}

void OwnValues::add_bsn(std::string_view bsn) {
  add({{{std::string(bsn), true}}, RedactionKind::kBsn});
}

std::size_t OwnValues::match(const Form& form, std::string_view text,
                             const std::vector<Word>& words, std::size_t first) const {
  auto filler = [&](const Word& word) {
    if (form.fillers == Fillers::kDate) {
      return word.normal == "e" || word.normal == "ste" || word.normal == "de";
    }
    return form.fillers == Fillers::kEmail &&
           (word.normal == "at" || word.normal == "dot" || word.normal == "punt" ||
            word.normal == "apenstaartje");
  };
  std::size_t at = first;
  for (std::size_t k = 0; k < form.units.size(); ++k) {
    const Unit& unit = form.units[k];
    while (k > 0 && at < words.size() && filler(words[at]) && words[at].normal != unit.normal &&
           gap_fits(text, words, at)) {
      ++at;
    }
    if (at >= words.size() || (at > first && !gap_fits(text, words, at))) return 0;
    if (words[at].digits != unit.digits) return 0;
    if (!unit.digits) {
      if (words[at++].normal != unit.normal) return 0;
      continue;
    }
    std::string digits = words[at++].normal;  // digits however the text groups them
    while (digits.size() < unit.normal.size() && unit.normal.starts_with(digits) &&
           at < words.size() && words[at].digits && gap_fits(text, words, at)) {
      digits += words[at++].normal;
    }
    if (digits != unit.normal) return 0;
  }
  return at - first >= form.least_words ? at : 0;
}

std::vector<Found> OwnValues::find(std::string_view text) const {
  const auto words = words_of(text);
  std::vector<Found> found;
  std::size_t i = 0;
  while (i < words.size()) {
    const auto& word = words[i];
    const auto candidates =
        by_first_.find(word.digits ? "#" + word.normal.substr(0, 1) : word.normal);
    std::size_t best_end = 0;
    RedactionKind best_kind = RedactionKind::kValue;
    if (candidates != by_first_.end()) {
      for (const std::size_t index : candidates->second) {
        const Form& form = forms_[index];
        if (form.capitalised && !word.capitalised && !word.upper) continue;
        if (const std::size_t end = match(form, text, words, i); end > best_end) {
          best_end = end;
          best_kind = form.kind;
        }
      }
    }
    if (best_end > 0 && whole_words(text, word.begin, words[best_end - 1].end)) {
      found.push_back({word.begin, words[best_end - 1].end, best_kind});
      i = best_end;
    } else {
      ++i;
    }
  }
  return found;
}

}  // namespace schakel::policy::redaction
