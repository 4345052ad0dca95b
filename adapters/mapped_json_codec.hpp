#pragma once
// Mapped JSON (a partner's format "mapped-json:NAME"): the partner's own JSON
// shape, described in the region file by JSON pointers (policy::MappedFormat)
// — a partner is connected by configuration, no code per partner.
// decode: strict JSON (message_json.hpp: duplicate member names, deep nesting,
// integers beyond 2^53 refused); the subject from its pointer — a document
// holding both a BSN and a pseudonym is refused (two identities); every mapped
// field from its pointer, an array field element by element. Whatever no
// pointer names is dropped here and counted (CanonicalMessage::
// unmapped_dropped), never named: member names may be personal data.
// encode: the canonical message written at the same pointers, objects made on
// the way; a subject the shape has no place for is a problem, not a guess.
#include "adapters/codec.hpp"
#include "policy/model.hpp"

namespace schakel::adapters {

class MappedJsonCodec final : public Codec {
 public:
  static constexpr std::size_t kMaxDepth = 32;
  // `format` belongs to the policy snapshot the caller holds; it must outlive the codec.
  explicit MappedJsonCodec(const policy::MappedFormat& format) : format_(format) {}

  [[nodiscard]] std::string_view media_type() const override { return "application/json"; }
  [[nodiscard]] std::expected<policy::CanonicalMessage, Problem> decode(
      std::string_view body) const override;
  [[nodiscard]] std::expected<std::string, Problem> encode(
      const policy::CanonicalMessage& message) const override;

 private:
  const policy::MappedFormat& format_;
};

}  // namespace schakel::adapters
