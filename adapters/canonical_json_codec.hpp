#pragma once
// application/json: the contract's canonical body,
// {"subject": {"bsn": "..."} | {"pseudonym": "..."}, "data": {...}}.
// Strict: other top-level members, a subject with zero or two identifiers,
// nesting deeper than kMaxDepth, a member name twice in one object and
// integers beyond ±2^53 are refused (common/strict_json.hpp); a refusal's
// detail never quotes the body.
#include "adapters/codec.hpp"

namespace schakel::adapters {

class CanonicalJsonCodec final : public Codec {
 public:
  static constexpr std::size_t kMaxDepth = 32;
  [[nodiscard]] std::string_view media_type() const override { return "application/json"; }
  [[nodiscard]] std::expected<policy::CanonicalMessage, Problem> decode(
      std::string_view body) const override;
  [[nodiscard]] std::expected<std::string, Problem> encode(
      const policy::CanonicalMessage& message) const override;
};

}  // namespace schakel::adapters
