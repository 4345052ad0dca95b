#pragma once
// Small text helpers shared by the commands and the audit details.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace schakel {

// `text` safe inside HTML text and attribute values: & < > " ' escaped.
[[nodiscard]] inline std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// "a,b,c" for {"a","b","c"} with separator ","; empty for no items.
[[nodiscard]] inline std::string join(const std::vector<std::string>& items,
                                      std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

// Whether `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF).
[[nodiscard]] inline bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    std::uint32_t point = 0;
    if (byte < 0x80) {
      ++i;
      continue;
    } else if (byte >= 0xc2 && byte <= 0xdf) {
      length = 2;
      point = byte & 0x1fu;
    } else if (byte >= 0xe0 && byte <= 0xef) {
      length = 3;
      point = byte & 0x0fu;
    } else if (byte >= 0xf0 && byte <= 0xf4) {
      length = 4;
      point = byte & 0x07u;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0u) != 0x80u) return false;
      point = (point << 6) | (next & 0x3fu);
    }
    constexpr std::uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (point < kMinimum[length] || point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) {
      return false;
    }
    i += length;
  }
  return true;
}

}  // namespace schakel
