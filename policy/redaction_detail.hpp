#pragma once
// Internals shared by the redaction's passes (policy/redaction*.cpp); not an
// interface of the policy library. A Found is a byte range of the text to
// mask, always on UTF-8 character boundaries, never cutting a word.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "policy/redaction.hpp"

namespace schakel::policy::redaction {

// Memory for each fixed pattern (RE2 gives two thirds to its DFA): enough that
// the DFA keeps its states for Unicode letter classes instead of falling back
// to the slower NFA.
inline constexpr std::int64_t kPatternMemory = 64 << 20;

struct Found {
  std::size_t begin = 0;
  std::size_t end = 0;
  RedactionKind kind = RedactionKind::kValue;
};

enum class CharClass { kNone, kLetter, kDigit };

// The class of the character that starts at / ends just before `at`; kNone
// at the text's edges. Letters are ASCII letters and every code point from
// U+00C0 on except ×, ÷, punctuation and symbol blocks and emoji.
[[nodiscard]] CharClass class_after(std::string_view text, std::size_t at);
[[nodiscard]] CharClass class_before(std::string_view text, std::size_t at);

// The start of the character after the one at `at` (at + 1 for ASCII).
[[nodiscard]] std::size_t next_char(std::string_view text, std::size_t at);

// Whether [begin, end) may be masked without leaving half a word standing:
// a range that starts (ends) with a letter must not touch a letter or digit
// before (after) it; one that starts (ends) with a digit must not touch a digit.
// Ranges that start or end with punctuation ("+31", "(043)") have no such edge.
[[nodiscard]] bool whole_words(std::string_view text, std::size_t begin, std::size_t end);

// Finds every non-overlapping match of `pattern` in `text`, leftmost first,
// with RE2's DFA alone (asking for groups would run a slower engine on every
// match of a large pattern): visit(begin, end) tells the match apart on the
// match alone and returns where to search next (past `begin`), so the whole
// search stays linear in the text.
template <typename Visit>
void for_each_match(const re2::RE2& pattern, std::string_view text, Visit visit) {
  const re2::StringPiece input(text.data(), text.size());
  re2::StringPiece match;
  std::size_t at = 0;
  while (at < text.size() &&
         pattern.Match(input, at, text.size(), re2::RE2::UNANCHORED, &match, 1)) {
    const auto begin = static_cast<std::size_t>(match.data() - text.data());
    const std::size_t next = visit(begin, begin + match.size());
    at = next > begin ? next : next_char(text, begin);
  }
}

// Whether `pattern` matches all of text[begin, end), filling `groups` (group
// 0 the whole) when given; for a small pattern on one match of a large one.
[[nodiscard]] inline bool matches_exactly(const re2::RE2& pattern, std::string_view text,
                                          std::size_t begin, std::size_t end,
                                          std::vector<re2::StringPiece>* groups = nullptr) {
  const re2::StringPiece input(text.data(), end);
  return pattern.Match(input, begin, end, re2::RE2::ANCHOR_BOTH, groups ? groups->data() : nullptr,
                       groups ? static_cast<int>(groups->size()) : 0);
}

// Byte offset of a submatch within text; the submatch must be set.
[[nodiscard]] inline std::size_t offset_of(std::string_view text, const re2::StringPiece& piece) {
  return static_cast<std::size_t>(piece.data() - text.data());
}

// Pass 1: identifiers and structures (e-mail, IBAN, phone, BSN, dates,
// addresses, postcodes, licence plates), fixed patterns.
[[nodiscard]] std::vector<Found> find_structured(std::string_view text);

}  // namespace schakel::policy::redaction
