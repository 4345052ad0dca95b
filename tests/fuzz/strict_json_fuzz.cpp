// Fuzz target: common/strict_json.hpp parse_strict_json against nlohmann's
// own parser as the oracle. Strict may refuse more (a duplicate member name,
// an integer beyond ±2^53, nesting too deep), never less: whatever nlohmann
// rejects strict refuses too, valid JSON is never a syntax error for strict,
// and whatever strict accepts nlohmann reads as the same value. What strict
// accepts also holds only finite numbers and dumps without throwing, so it
// survives a re-encode.
#include <cmath>

#include <nlohmann/json.hpp>

#include "common/strict_json.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using nlohmann::json;
using schakel::StrictJsonErrorKind;
using schakel::fuzz::require;

bool all_numbers_finite(const json& value) {
  if (value.is_number_float()) return std::isfinite(value.get<double>());
  if (value.is_structured()) {
    for (const auto& element : value) {
      if (!all_numbers_finite(element)) return false;
    }
  }
  return true;
}

std::size_t depth_of(const json& value) {
  std::size_t deepest = 0;
  if (value.is_structured()) {
    for (const auto& element : value) deepest = std::max(deepest, depth_of(element));
    return deepest + 1;
  }
  return 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = schakel::fuzz::text_of(data, size);
  constexpr std::size_t kMaxDepth = 16;
  const auto strict = schakel::parse_strict_json(text, kMaxDepth);
  const json oracle = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (oracle.is_discarded()) {
    // Strict stops at the first problem: in "[[[...]x" that may be the depth.
    require(!strict.has_value(), "strict accepted what nlohmann rejects");
    return 0;
  }
  if (!strict) {
    require(strict.error().kind != StrictJsonErrorKind::kSyntax,
            "strict calls valid JSON a syntax error");
    if (strict.error().kind == StrictJsonErrorKind::kTooDeep) {
      require(depth_of(oracle) > kMaxDepth, "strict refused a document within the depth limit");
    }
    return 0;
  }
  require(*strict == oracle, "strict and nlohmann read different values");
  require(strict->dump() == oracle.dump(), "strict and nlohmann values dump differently");
  require(depth_of(*strict) <= kMaxDepth, "strict accepted nesting beyond its limit");
  require(all_numbers_finite(*strict),
          "strict accepted a number that is not finite as a double (it re-encodes as null)");
  return 0;
}
