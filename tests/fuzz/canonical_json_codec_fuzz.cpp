// Fuzz target: adapters/canonical_json_codec.hpp. Any body decodes to a
// message or to a malformed-body / invalid-subject problem, never throws;
// what decodes encodes (for the recipient) to a body that decodes again to
// the same message, so nothing the policy checked changes on the way out.
#include "adapters/canonical_json_codec.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using schakel::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const schakel::adapters::CanonicalJsonCodec codec;
  const auto decoded = codec.decode(schakel::fuzz::text_of(data, size));
  if (!decoded) {
    const auto kind = decoded.error().kind;
    require(kind == schakel::ProblemKind::kMalformedBody ||
                kind == schakel::ProblemKind::kInvalidSubject,
            "decode refused with a problem other than malformed-body or invalid-subject");
    return 0;
  }
  require(decoded->data.is_object(), "decoded data is not an object");
  const std::string encoded = codec.encode(*decoded).value();
  const auto again = codec.decode(encoded);
  require(again.has_value(), "what encode wrote does not decode again");
  require(again->subject.kind == decoded->subject.kind &&
              again->subject.value == decoded->subject.value,
          "the subject changed in the round trip");
  require(again->data == decoded->data, "the data changed in the round trip");
  require(codec.encode(*again).value() == encoded, "encoding is not stable");
  return 0;
}
