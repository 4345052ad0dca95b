#pragma once
// Pass 2 of the redaction: person names. One RE2 pattern finds every run of
// capitalised words (with initials and tussenvoegsels), and the title or cue
// before it; the run is a name when a cue precedes it ("mevrouw", "buurman",
// "genaamd" ...), when initials start it, or when one of its words is in the
// gazetteer or among the names the message's context already knows. Words
// that only look like names (sentence starts, days, months, nationalities,
// laws) are never masked alone and never make a run a name.
#include <expected>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "policy/redaction_detail.hpp"

namespace schakel::policy::redaction {

// Given names and surnames: single words ("Jansen") and surnames with their
// tussenvoegsels ("de Jong", "van der Meer"), which only match with them.
class Gazetteer {
 public:
  // One name a line; '#' starts a comment; blank lines are skipped.
  // An error names the line that holds no name.
  [[nodiscard]] std::expected<void, std::string> add_lines(std::string_view text);
  // One name: capitalised last word, lower-case tussenvoegsels before it.
  [[nodiscard]] std::expected<void, std::string> add(std::string_view name);

  [[nodiscard]] bool contains(const std::string& key) const { return keys_.contains(key); }
  [[nodiscard]] std::size_t size() const { return keys_.size(); }

 private:
  std::unordered_set<std::string> keys_;  // "Jansen", "de Jong", "van der Meer"
};

struct NameFind {
  Found found;
  std::vector<std::string> words;  // the capitalised words it masks
};

class NameFinder {
 public:
  explicit NameFinder(Gazetteer gazetteer);

  // Every name in `text`; `known` adds names beside the gazetteer's.
  [[nodiscard]] std::vector<NameFind> find(std::string_view text,
                                           const std::unordered_set<std::string>& known) const;

 private:
  Gazetteer gazetteer_;
};

// Whether `word` is a tussenvoegsel ("van", "De", "'t" ...), in any case.
[[nodiscard]] bool is_tussenvoegsel(std::string_view word);
// Whether `word` is a capitalised word that is no name ("Daarna", "Maandag", "Turkse").
[[nodiscard]] bool is_not_a_name(std::string_view word);

}  // namespace schakel::policy::redaction
