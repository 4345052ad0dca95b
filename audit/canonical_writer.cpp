#include "audit/canonical_writer.hpp"

#include <array>
#include <charconv>

namespace schakel::audit {

void CanonicalWriter::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_) out_.push_back(',');
  first_ = false;
}

void CanonicalWriter::open(char bracket) {
  separate();
  out_.push_back(bracket);
  first_ = true;
}

void CanonicalWriter::close(char bracket) {
  out_.push_back(bracket);
  first_ = false;
}

void CanonicalWriter::key(std::string_view name) {
  separate();
  escaped(name);
  out_.push_back(':');
  after_key_ = true;
}

void CanonicalWriter::string(std::string_view text) {
  separate();
  escaped(text);
}

void CanonicalWriter::number(std::int64_t value) {
  separate();
  std::array<char, 24> digits{};
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), value).ptr;
  out_.append(digits.data(), end);
}

void CanonicalWriter::number(std::uint64_t value) {
  separate();
  std::array<char, 24> digits{};
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), value).ptr;
  out_.append(digits.data(), end);
}

void CanonicalWriter::escaped(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out_.push_back('"');
  std::size_t plain_from = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out_.append(text.substr(plain_from, i - plain_from));
    plain_from = i + 1;
    switch (c) {
      case '"': out_.append("\\\""); break;
      case '\\': out_.append("\\\\"); break;
      case '\b': out_.append("\\b"); break;
      case '\f': out_.append("\\f"); break;
      case '\n': out_.append("\\n"); break;
      case '\r': out_.append("\\r"); break;
      case '\t': out_.append("\\t"); break;
      default:
        out_.append("\\u00");
        out_.push_back(kHex[c >> 4]);
        out_.push_back(kHex[c & 0x0f]);
    }
  }
  out_.append(text.substr(plain_from));
  out_.push_back('"');
}

}  // namespace schakel::audit
