#include "adapters/codec.hpp"

#include <algorithm>
#include <cctype>

#include "adapters/canonical_json_codec.hpp"

namespace schakel::adapters {

std::string media_type_of(std::string_view content_type) {
  const auto end = content_type.find(';');
  std::string_view type = content_type.substr(0, end);
  while (!type.empty() && std::isspace(static_cast<unsigned char>(type.back())))
    type.remove_suffix(1);
  while (!type.empty() && std::isspace(static_cast<unsigned char>(type.front())))
    type.remove_prefix(1);
  std::string out(type);
  std::ranges::transform(out, out.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

CodecRegistry::CodecRegistry() {
  codecs_.push_back(std::make_unique<CanonicalJsonCodec>());
}

const Codec* CodecRegistry::find(std::string_view content_type) const {
  const std::string type = media_type_of(content_type);
  for (const auto& codec : codecs_) {
    if (codec->media_type() == type) return codec.get();
  }
  return nullptr;
}

}  // namespace schakel::adapters
