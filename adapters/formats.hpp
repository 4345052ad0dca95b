#pragma once
// Which codec a partner's `format` (region file) names: the media type of a
// built-in codec ("application/json"), "application/fhir+json" (FHIR R4 as the
// guideline maps it, policy::FhirMapping), or "mapped-json:NAME", one of the
// region's own shapes (policy::MappedFormat). The sender's format decodes
// what it sends, the recipient's encodes what it receives.
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/codec.hpp"
#include "adapters/fhir_codec.hpp"
#include "adapters/mapped_json_codec.hpp"
#include "policy/model.hpp"

namespace schakel::adapters {

class FormatCodec {
 public:
  // A mapped or FHIR codec refers into `policy`: keep the snapshot while using it.
  [[nodiscard]] static std::expected<FormatCodec, std::string> of(std::string_view format,
                                                                  const policy::Policy& policy,
                                                                  const CodecRegistry& codecs);
  [[nodiscard]] const Codec& operator*() const {
    return mapped_ ? *mapped_ : fhir_ ? static_cast<const Codec&>(*fhir_) : *builtin_;
  }
  [[nodiscard]] const Codec* operator->() const { return &**this; }

 private:
  const Codec* builtin_ = nullptr;
  std::optional<MappedJsonCodec> mapped_;
  std::optional<FhirCodec> fhir_;
};

}  // namespace schakel::adapters
