#include "adapters/codec.hpp"

#include "adapters/formats.hpp"

#include <algorithm>
#include <cctype>

#include "adapters/canonical_json_codec.hpp"

namespace schakel::adapters {

namespace {

std::string lower_trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  std::string out(text);
  std::ranges::transform(out, out.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Every body is UTF-8: a charset parameter naming another is refused, never
// read as UTF-8 anyway.
bool charset_is_utf8(std::string_view content_type) {
  for (auto at = content_type.find(';'); at != std::string_view::npos;) {
    const auto next = content_type.find(';', at + 1);
    const auto parameter = content_type.substr(
        at + 1, next == std::string_view::npos ? std::string_view::npos : next - at - 1);
    const auto equals = parameter.find('=');
    if (equals != std::string_view::npos &&
        lower_trimmed(parameter.substr(0, equals)) == "charset") {
      std::string value = lower_trimmed(parameter.substr(equals + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      if (value != "utf-8") return false;
    }
    at = next;
  }
  return true;
}

}  // namespace

std::string media_type_of(std::string_view content_type) {
  return lower_trimmed(content_type.substr(0, content_type.find(';')));
}

bool names_media_type(std::string_view content_type, std::string_view media_type) {
  return charset_is_utf8(content_type) && media_type_of(content_type) == media_type;
}

CodecRegistry::CodecRegistry() {
  codecs_.push_back(std::make_unique<CanonicalJsonCodec>());
}

std::expected<void, std::string> check_formats(const policy::Policy& policy,
                                               const CodecRegistry& codecs) {
  for (const auto& partner : policy.partners()) {
    if (auto codec = FormatCodec::of(partner.format, policy, codecs); !codec) {
      return std::unexpected(policy.region_file() + ": " +
                             partner.rule.substr(partner.rule.find('#') + 1) +
                             "/format: " + codec.error());
    }
  }
  return {};
}

const Codec* CodecRegistry::find(std::string_view content_type) const {
  if (!charset_is_utf8(content_type)) return nullptr;
  const std::string type = media_type_of(content_type);
  for (const auto& codec : codecs_) {
    if (codec->media_type() == type) return codec.get();
  }
  return nullptr;
}

}  // namespace schakel::adapters
