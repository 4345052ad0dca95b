#pragma once
// Message bodies parsed with simdjson (SIMD UTF-8 validation and parsing,
// ~10x nlohmann's lexer), then copied into the nlohmann::json the pipeline
// works on. As strict as common/strict_json.hpp, with its error kinds and
// pointers: a member name twice in one object, an integer beyond ±2^53 (or
// beyond 64 bits), nesting deeper than `max_depth`, invalid UTF-8 or any
// syntax error are refused; a syntax error has no byte position (0). Numbers
// keep nlohmann's types (non-negative integers unsigned, negative signed,
// others double), so a body re-encodes to the bytes the old path gave.
// Configuration files keep strict_json.hpp, whose errors name line and column.
#include <cstddef>
#include <expected>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/strict_json.hpp"

namespace schakel::adapters {

[[nodiscard]] std::expected<nlohmann::json, StrictJsonError> parse_message_json(
    std::string_view text, std::size_t max_depth);

}  // namespace schakel::adapters
