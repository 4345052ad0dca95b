#pragma once
// JSON parsed strictly, for message bodies and configuration files alike:
// what nlohmann::json would resolve silently is refused instead — a member
// name twice in one object (RFC 8259 leaves it undefined; "last wins" would
// let a second `bsn` slip past checks of the first), an integer beyond
// ±2^53 (it cannot survive a round-trip through a double, so a recipient
// would read another number), and nesting deeper than the caller's limit.
// Invalid UTF-8 is a syntax error. Never throws. Errors carry the JSON
// pointer of the offending place — callers decide whether that pointer may be
// shown (for message bodies it may hold personal data; for config it may not).
#include <cstddef>
#include <expected>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace schakel {

enum class StrictJsonErrorKind { kSyntax, kDuplicateKey, kIntegerTooLarge, kTooDeep };

struct StrictJsonError {
  StrictJsonErrorKind kind;
  std::string pointer;  // where it went wrong (not for syntax errors)
  static constexpr std::size_t kNoPosition = static_cast<std::size_t>(-1);
  std::size_t position = 0;  // byte offset, for syntax errors; kNoPosition when unknown
  std::string message;       // a description without any of the input's text

  [[nodiscard]] std::string describe() const;  // message, without the pointer
};

inline constexpr std::int64_t kMaxSafeInteger = (std::int64_t{1} << 53);

[[nodiscard]] std::expected<nlohmann::json, StrictJsonError> parse_strict_json(
    std::string_view text, std::size_t max_depth = 64);

}  // namespace schakel
