// Fuzz target: free-text redaction (policy/redaction.hpp), both ways it runs.
// Input: VALUES "\n\n" TEXT, or a TEXT alone. A lone text goes through
// redact_text; with values, the text is the incident_summary of a message
// (example region's policy) whose unknown fields hold the VALUES, one a line,
// and is redacted with that message's context. Never crashes or throws;
// valid UTF-8 stays valid (a mask never splits a character); the output
// grows at most by the masks' length; RE2 keeps it linear (libFuzzer's
// -timeout catches a slow input); in valid UTF-8, the redactor's own BSN
// rule — nine digits as a word — finds nothing in what it returns; and a value of the message
// that is one word of 6 or more ASCII letters, found in the text only as a
// whole word between spaces, is gone from the output.
#include <re2/re2.h>

#include <algorithm>
#include <cctype>

#include "policy/field_values.hpp"
#include "policy/loader.hpp"
#include "policy/redaction.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using schakel::fuzz::require;
using namespace schakel::policy;  // NOLINT(google-build-using-namespace)

const Policy& example_policy() {
  static const std::shared_ptr<const Policy> policy = [] {
    const std::filesystem::path root(SCHAKEL_SOURCE_DIR);
    auto loaded = load_policy({root / "config/guideline.json", root / "config/example-region/region.json"});
    if (!loaded) schakel::fuzz::violated("cannot load the example region's policy");
    return *loaded;
  }();
  return *policy;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::size_t count(std::string_view text, std::string_view word, bool between_spaces) {
  std::size_t found = 0;
  for (auto at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
    const bool before = at == 0 || text[at - 1] == ' ';
    const bool after = at + word.size() == text.size() || text[at + word.size()] == ' ';
    if (!between_spaces || (before && after)) ++found;
  }
  return found;
}

// One word of 6 to 40 ASCII letters: a value whose survival is unambiguous.
bool is_plain_word(std::string_view value) {
  return value.size() >= 6 && value.size() <= 40 &&
         std::ranges::all_of(value, [](unsigned char c) { return std::isalpha(c) != 0; });
}

// The BSN property holds for valid UTF-8, all the gateway ever redacts (the
// codecs refuse other bytes): a stray byte such as 0xB0 is a word boundary
// to RE2's \b but part of a word to the redactor.
void check_common(std::string_view text, const std::string& redacted) {
  static const re2::RE2 bsn_word(R"(\b[0-9]{9}\b)");
  // The shortest identifier masked is 6 characters, the longest mask 11.
  require(redacted.size() <= text.size() * 2 + 11, "redaction grew the text beyond its masks");
  if (!schakel::fuzz::is_utf8(text)) return;
  require(schakel::fuzz::is_utf8(redacted), "redaction broke valid UTF-8");
  require(!re2::RE2::PartialMatch(redacted, bsn_word),
          "the redacted text still holds nine digits as a word (a BSN by the redactor's own rule)");
}

void redact_in_message(std::string_view values, std::string_view text) {
  CanonicalMessage message;
  message.subject = {SubjectId::Kind::kBsn, "999990019"};
  message.data = nlohmann::json::object();
  std::vector<std::string> words;
  std::size_t index = 0;
  for (std::size_t start = 0; start <= values.size() && index < 16; ++index) {
    auto end = values.find('\n', start);
    if (end == std::string_view::npos) end = values.size();
    const std::string value(values.substr(start, end - start));
    if (!schakel::fuzz::is_utf8(value)) return;  // the codec never hands over such a value
    message.data["x" + std::to_string(index)] = value;
    if (is_plain_word(value)) words.push_back(lower(value));
    start = end + 1;
  }
  if (!schakel::fuzz::is_utf8(text)) return;
  message.data["incident_summary"] = std::string(text);
  const Redactor& redactor = example_policy().redactor();
  auto context = redactor.context(message, example_policy());
  if (!context) return;  // too many values for one message: refused, not redacted badly
  const auto redacted = redactor.redact(text, *context);
  check_common(text, redacted.text);
  std::string unmasked = lower(redacted.text);
  for (std::size_t kind = 0; kind < kRedactionKinds; ++kind) {
    const auto mask = lower(mask_of(static_cast<RedactionKind>(kind)));
    for (auto at = unmasked.find(mask); at != std::string::npos; at = unmasked.find(mask, at)) {
      unmasked.replace(at, mask.size(), " ");
    }
  }
  const std::string lowered = lower(text);
  for (const auto& word : words) {
    const auto anywhere = count(lowered, word, false);
    if (anywhere == 0 || anywhere != count(lowered, word, true)) continue;
    require(count(unmasked, word, false) == 0, "one of the message's own values stayed in its text");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = schakel::fuzz::text_of(data, size);
  const auto split = input.find("\n\n");
  if (split == std::string_view::npos) {
    check_common(input, redact_text(input));
  } else {
    redact_in_message(input.substr(0, split), input.substr(split + 2));
  }
  return 0;
}
