#include "gateway/query_string.hpp"

#include <algorithm>

// Boost.URL header-only: its sources compiled into this one translation unit.
#include <boost/url/parse.hpp>
#include <boost/url/src.hpp>

namespace schakel::gateway {

std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find('?'));
}

std::expected<QueryParameters, Problem> query_parameters(std::string_view target,
                                                         std::span<const std::string> accepted) {
  QueryParameters out;
  if (target.find('?') == std::string_view::npos) return out;
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) {
    return std::unexpected(make_problem(ProblemKind::kMalformedRequest,
                                        "the request target is not a valid origin-form URI"));
  }
  for (const auto& parameter : parsed->params()) {
    const std::string name = parameter.key;
    if (std::ranges::find(accepted, name) == accepted.end()) {
      std::string known = accepted.empty() ? "none" : "";
      for (const auto& one : accepted) known += (known.empty() ? "" : ", ") + one;
      return std::unexpected(
          make_problem(ProblemKind::kMalformedRequest,
                       "this endpoint takes no such query parameter (it takes: " + known + ")"));
    }
    if (!parameter.has_value) {
      return std::unexpected(make_problem(ProblemKind::kMalformedRequest,
                                          "query parameter " + name + " has no value"));
    }
    if (!out.emplace(name, std::string(parameter.value)).second) {
      return std::unexpected(make_problem(ProblemKind::kMalformedRequest,
                                          "query parameter " + name + " is given twice"));
    }
  }
  return out;
}

}  // namespace schakel::gateway
