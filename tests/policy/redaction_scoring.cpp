#include "tests/policy/redaction_scoring.hpp"

#include <array>

namespace schakel::policy::scoring {
namespace {

// A mask: '[', two or more capitals, ']'.
std::size_t mask_length_at(std::string_view text, std::size_t at) {
  if (text[at] != '[') return 0;
  std::size_t end = at + 1;
  while (end < text.size() && text[end] >= 'A' && text[end] <= 'Z') ++end;
  if (end - at < 3 || end >= text.size() || text[end] != ']') return 0;
  return end + 1 - at;
}

// The output as literal pieces between masks: L0 M L1 M ... Ln.
std::vector<std::string_view> literal_pieces(std::string_view output) {
  std::vector<std::string_view> pieces;
  std::size_t start = 0;
  for (std::size_t at = 0; at < output.size();) {
    if (const auto mask = mask_length_at(output, at); mask > 0) {
      pieces.push_back(output.substr(start, at - start));
      at += mask;
      start = at;
    } else {
      ++at;
    }
  }
  pieces.push_back(output.substr(start));
  return pieces;
}

bool is_word_byte(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_tussenvoegsel(std::string_view word) {
  static constexpr std::array<std::string_view, 24> kWords{
      "van", "de", "der", "den", "het", "t",  "ter", "ten", "te",  "op", "in", "el",
      "al",  "la", "le",  "du",  "da",  "di", "von", "vd",  "Van", "De", "d",  "l"};
  for (const auto candidate : kWords) {
    if (word == candidate) return true;
  }
  return false;
}

// Calls visit(begin, end) for every run of word bytes in [from, to).
template <typename Visit>
void for_each_word(std::string_view text, std::size_t from, std::size_t to, Visit visit) {
  std::size_t at = from;
  while (at < to) {
    while (at < to && !is_word_byte(text[at])) ++at;
    const std::size_t begin = at;
    while (at < to && is_word_byte(text[at])) ++at;
    if (at > begin) visit(begin, at);
  }
}

bool all_covered(const std::vector<bool>& covered, std::size_t begin, std::size_t end) {
  for (std::size_t i = begin; i < end; ++i) {
    if (!covered[i]) return false;
  }
  return true;
}

}  // namespace

std::optional<std::vector<bool>> covered_bytes(std::string_view input, std::string_view output) {
  const auto pieces = literal_pieces(output);
  std::vector<bool> covered(input.size(), false);
  if (!input.starts_with(pieces.front())) return std::nullopt;
  std::size_t at = pieces.front().size();
  for (std::size_t i = 1; i < pieces.size(); ++i) {
    const bool last = i + 1 == pieces.size();
    const std::size_t found =
        last ? (input.ends_with(pieces[i]) ? input.size() - pieces[i].size() : std::string::npos)
             : input.find(pieces[i], at + 1);
    if (found == std::string::npos || found <= at) return std::nullopt;
    for (std::size_t j = at; j < found; ++j) covered[j] = true;
    at = found + pieces[i].size();
  }
  if (at != input.size()) return std::nullopt;
  return covered;
}

bool removed(std::string_view input, const std::vector<bool>& covered, const LabelledSpan& span) {
  bool all = true;
  for_each_word(input, span.begin, span.end, [&](std::size_t begin, std::size_t end) {
    if (span.kind == "name" && is_tussenvoegsel(input.substr(begin, end - begin))) return;
    if (!all_covered(covered, begin, end)) all = false;
  });
  return all;
}

WordCount words_touched(std::string_view input, const std::vector<bool>& covered) {
  WordCount count;
  for_each_word(input, 0, input.size(), [&](std::size_t begin, std::size_t end) {
    ++count.words;
    for (std::size_t i = begin; i < end; ++i) {
      if (covered[i]) {
        ++count.touched;
        return;
      }
    }
  });
  return count;
}

}  // namespace schakel::policy::scoring
