#include "adapters/formats.hpp"

namespace schakel::adapters {

std::expected<FormatCodec, std::string> FormatCodec::of(std::string_view format,
                                                        const policy::Policy& policy,
                                                        const CodecRegistry& codecs) {
  FormatCodec codec;
  if (format.starts_with(policy::kMappedJsonPrefix)) {
    const auto* mapped = policy.mapped_format(format.substr(policy::kMappedJsonPrefix.size()));
    if (!mapped) return std::unexpected("no format \"" + std::string(format) + "\" in the region");
    codec.mapped_.emplace(*mapped);
    return codec;
  }
  if (format == FhirCodec::kMediaType) {
    if (!policy.fhir()) return std::unexpected("the guideline maps no FHIR elements (\"fhir\")");
    codec.fhir_.emplace(*policy.fhir());
    return codec;
  }
  codec.builtin_ = codecs.find(format);
  if (!codec.builtin_) return std::unexpected("no codec for \"" + std::string(format) + "\"");
  return codec;
}

}  // namespace schakel::adapters
