#pragma once
// application/json: the contract's canonical body,
// {"subject": {"bsn": "..."} | {"pseudonym": "..."}, "data": {...}}.
// Strict: other top-level members, a subject with zero or two identifiers and
// nesting deeper than kMaxDepth are refused.
#include "adapters/codec.hpp"

namespace schakel::adapters {

class CanonicalJsonCodec final : public Codec {
 public:
  static constexpr int kMaxDepth = 32;
  [[nodiscard]] std::string_view media_type() const override { return "application/json"; }
  [[nodiscard]] std::expected<policy::CanonicalMessage, Problem> decode(
      std::string_view body) const override;
  [[nodiscard]] std::string encode(const policy::CanonicalMessage& message) const override;
};

}  // namespace schakel::adapters
