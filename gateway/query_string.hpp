#pragma once
// The query of a request target (origin-form, RFC 9112 §3.2.1), parsed by
// Boost.URL with names and values percent-decoded. Refused as 400
// malformed-request when the target does not parse, a name is not one the
// route accepts, a name comes twice (ambiguity is refused, never "first
// wins") or a parameter has no "=value". The problem names the parameter,
// never its value.
#include <expected>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "common/problem.hpp"

namespace schakel::gateway {

using QueryParameters = std::map<std::string, std::string, std::less<>>;

[[nodiscard]] std::expected<QueryParameters, Problem> query_parameters(
    std::string_view target, std::span<const std::string> accepted);

// The target without its query ("/v1/signals/query?purpose=x" -> "/v1/signals/query").
[[nodiscard]] std::string_view path_of(std::string_view target);

}  // namespace schakel::gateway
