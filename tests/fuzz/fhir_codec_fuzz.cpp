// Fuzz target: adapters/fhir_codec.hpp under the example guideline's FHIR
// mapping. Any body decodes to a message or to one of the codec's problems,
// never throws; dropped elements are named only by R4 paths (no partner's
// member name); what decodes encodes to a Bundle that decodes again to the
// same subject and a subset of the same fields (a value the R4 primitive
// cannot hold leaves as an extension, which is no field).
#include <filesystem>

#include "adapters/fhir_codec.hpp"
#include "policy/loader.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using schakel::fuzz::require;

namespace {

std::shared_ptr<const schakel::policy::Policy> example_policy() {
  const std::filesystem::path source(SCHAKEL_SOURCE_DIR);
  auto policy = schakel::policy::load_policy(
      {source / "config/guideline.json", source / "config/example-region/region.json"});
  if (!policy || !(*policy)->fhir()) schakel::fuzz::violated("cannot load the example policy");
  return *policy;
}

bool named_by_r4(const std::string& name) {
  return std::ranges::all_of(name, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '(' || c == ')' || c == ' ';
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto policy = example_policy();
  static const schakel::adapters::FhirCodec codec(*policy->fhir());
  using schakel::ProblemKind;
  const auto decoded = codec.decode(schakel::fuzz::text_of(data, size));
  if (!decoded) {
    const auto kind = decoded.error().kind;
    require(kind == ProblemKind::kMalformedBody || kind == ProblemKind::kInvalidSubject ||
                kind == ProblemKind::kInvalidFhir || kind == ProblemKind::kUnsupportedResource ||
                kind == ProblemKind::kTooManyItems,
            "decode refused with a problem the codec does not name");
    return 0;
  }
  for (const auto& name : decoded->dropped_elements) {
    require(named_by_r4(name), "a dropped element is named by something other than an R4 path");
  }
  const auto encoded = codec.encode(*decoded);
  require(encoded.has_value(), "what decoded does not encode");
  const auto again = codec.decode(*encoded);
  require(again.has_value(), "what encode wrote does not decode again");
  require(again->subject.kind == decoded->subject.kind &&
              again->subject.value == decoded->subject.value,
          "the subject changed in the round trip");
  for (const auto& [field, value] : again->data.items()) {
    require(decoded->data.contains(field), "the round trip made a field up");
    if (value != decoded->data[field] && !value.is_array()) {
      require(decoded->data[field].is_string() && value.is_string(),
              "a field changed in the round trip");  // control characters became U+FFFD
    }
  }
  return 0;
}
