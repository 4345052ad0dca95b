#include "policy/redaction_tokens.hpp"

#include <cstdint>

#include "policy/redaction_detail.hpp"

namespace schakel::policy::redaction {
namespace {

std::uint32_t decode(std::string_view text, std::size_t at, std::size_t end) {
  const auto lead = static_cast<unsigned char>(text[at]);
  if (lead < 0x80) return lead;
  const std::size_t length = end - at;
  std::uint32_t point = length == 2   ? (lead & 0x1fu)
                        : length == 3 ? (lead & 0x0fu)
                                      : (lead & 0x07u);
  for (std::size_t i = at + 1; i < end; ++i) {
    point = (point << 6) | (static_cast<unsigned char>(text[i]) & 0x3fu);
  }
  return point;
}

void encode(std::uint32_t point, std::string& out) {
  if (point < 0x80) {
    out += static_cast<char>(point);
  } else if (point < 0x800) {
    out += static_cast<char>(0xc0 | (point >> 6));
    out += static_cast<char>(0x80 | (point & 0x3f));
  } else if (point < 0x10000) {
    out += static_cast<char>(0xe0 | (point >> 12));
    out += static_cast<char>(0x80 | ((point >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (point & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (point >> 18));
    out += static_cast<char>(0x80 | ((point >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((point >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (point & 0x3f));
  }
}

// Simple lower case of ASCII, Latin-1 and Latin Extended-A; others unchanged.
std::uint32_t lower(std::uint32_t point) {
  if (point >= 'A' && point <= 'Z') return point + 32;
  if (point >= 0xc0 && point <= 0xde && point != 0xd7) return point + 32;
  if (point == 0x130) return 'i';
  if (point == 0x178) return 0xff;
  const bool even_pairs = (point >= 0x100 && point <= 0x137) || (point >= 0x14a && point <= 0x177);
  const bool odd_pairs = (point >= 0x139 && point <= 0x148) || (point >= 0x179 && point <= 0x17e);
  if ((even_pairs && point % 2 == 0) || (odd_pairs && point % 2 == 1)) return point + 1;
  return point;
}

}  // namespace

std::vector<Word> words_of(std::string_view text) {
  std::vector<Word> words;
  std::size_t at = 0;
  while (at < text.size()) {
    const CharClass kind = class_after(text, at);
    if (kind == CharClass::kNone) {
      at = next_char(text, at);
      continue;
    }
    Word word{at, at, {}, kind == CharClass::kDigit, false, kind == CharClass::kLetter};
    std::size_t index = 0;
    while (at < text.size() && class_after(text, at) == kind) {
      const std::size_t end = next_char(text, at);
      const std::uint32_t point = decode(text, at, end);
      const std::uint32_t small = lower(point);
      if (index == 0) word.capitalised = small != point;
      if (index == 1 && small != point) word.capitalised = false;
      if (small == point) word.upper = false;
      encode(small, word.normal);
      at = end;
      ++index;
    }
    word.end = at;
    if (index < 2) word.capitalised = word.upper = false;
    words.push_back(std::move(word));
  }
  return words;
}

}  // namespace schakel::policy::redaction
