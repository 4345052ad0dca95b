// Fuzz target: policy/field_values.hpp redact_text, the free-text redaction,
// on arbitrary text. Never crashes or throws; valid UTF-8 stays valid (a
// mask never splits a character); the output grows at most by the masks'
// length; RE2 keeps it linear (libFuzzer's -timeout catches a slow input).
// And the redactor's own BSN rule — nine digits as a word — finds nothing
// in what it returns: no mask may leave behind a BSN it would itself mask.
#include <re2/re2.h>

#include "policy/field_values.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using schakel::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const re2::RE2 bsn_word(R"(\b[0-9]{9}\b)");
  const auto text = schakel::fuzz::text_of(data, size);
  const std::string redacted = schakel::policy::redact_text(text);
  if (schakel::fuzz::is_utf8(text)) {
    require(schakel::fuzz::is_utf8(redacted), "redaction broke valid UTF-8");
  }
  // The shortest identifier masked is 6 characters, the longest mask 10.
  require(redacted.size() <= text.size() * 2 + 10, "redaction grew the text beyond its masks");
  require(!re2::RE2::PartialMatch(redacted, bsn_word),
          "the redacted text still holds nine digits as a word (a BSN by the redactor's own rule)");
  return 0;
}
