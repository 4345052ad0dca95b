#pragma once
// Scores a redaction against labelled text, knowing only its output: the
// output is the input with some stretches replaced by masks "[KIND]", so
// aligning the two tells which input bytes a mask covers. Independent of the
// redactor's API: the same scoring measures any version of it.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace schakel::policy::scoring {

// covered[i] is true when input byte i lies under a mask; nullopt when the
// output is not the input with masks put in (the redactor changed something else).
[[nodiscard]] std::optional<std::vector<bool>> covered_bytes(std::string_view input,
                                                             std::string_view output);

struct LabelledSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string kind;  // "name", "date", "address", "bsn", ...
  bool own = false;  // one of the message's own values
};

// A name is removed when every word of it but its tussenvoegsels is wholly
// masked; any other span when every letter and digit of it is.
[[nodiscard]] bool removed(std::string_view input, const std::vector<bool>& covered,
                           const LabelledSpan& span);

struct WordCount {
  std::size_t words = 0;
  std::size_t touched = 0;  // words with at least one masked byte
};
[[nodiscard]] WordCount words_touched(std::string_view input, const std::vector<bool>& covered);

}  // namespace schakel::policy::scoring
