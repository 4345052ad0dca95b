#pragma once
// Text as words for the message's own values (pass 3 of the redaction): runs
// of letters and runs of digits, each with its byte range and a normal form
// (letters lower-cased, ASCII and Latin-1/Latin Extended-A), so that a value
// matches however it is cased and spaced. Everything else separates words.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace schakel::policy::redaction {

struct Word {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string normal;  // lower-cased letters, or the digits
  bool digits = false;
  bool capitalised = false;  // starts with a capital followed by a small letter
  bool upper = false;        // two or more letters, all capitals
};

[[nodiscard]] std::vector<Word> words_of(std::string_view text);

}  // namespace schakel::policy::redaction
