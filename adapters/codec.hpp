#pragma once
// A message format a partner speaks. decode() turns a request body into the
// canonical message or a problem (malformed-body, invalid-subject) that names
// what is wrong without echoing values; encode() renders a canonical message
// for a recipient, or says why the format cannot carry it (a mapped shape
// with no place for a BSN the purpose passes). Codecs are stateless and
// shared across threads.
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/problem.hpp"
#include "policy/message.hpp"
#include "policy/model.hpp"

namespace schakel::adapters {

class Codec {
 public:
  virtual ~Codec() = default;
  [[nodiscard]] virtual std::string_view media_type() const = 0;
  [[nodiscard]] virtual std::expected<policy::CanonicalMessage, Problem> decode(
      std::string_view body) const = 0;
  [[nodiscard]] virtual std::expected<std::string, Problem> encode(
      const policy::CanonicalMessage& message) const = 0;
};

// The codecs the gateway speaks, looked up by media type (parameters such as
// "; charset=utf-8" ignored, case-insensitive).
class CodecRegistry {
 public:
  CodecRegistry();  // every built-in codec, listed explicitly
  [[nodiscard]] const Codec* find(std::string_view content_type) const;

 private:
  std::vector<std::unique_ptr<Codec>> codecs_;
};

[[nodiscard]] std::string media_type_of(std::string_view content_type);
// Whether a Content-Type names `media_type` in UTF-8 (no other charset).
[[nodiscard]] bool names_media_type(std::string_view content_type, std::string_view media_type);

// Whether every partner's `format` has a codec: at start and at every reload
// (an error names the region file and the partner's format).
[[nodiscard]] std::expected<void, std::string> check_formats(const policy::Policy& policy,
                                                             const CodecRegistry& codecs);

}  // namespace schakel::adapters
