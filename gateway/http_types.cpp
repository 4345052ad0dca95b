#include "gateway/http_types.hpp"

#include <strings.h>

#include <nlohmann/json.hpp>

namespace schakel::gateway {

const std::string* Request::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && ::strncasecmp(key.data(), name.data(), name.size()) == 0) {
      return &value;
    }
  }
  return nullptr;
}

Response problem_response(const Problem& problem, const std::string& transaction_id) {
  nlohmann::json body = {{"type", problem.type_uri()},
                         {"title", problem.title()},
                         {"status", problem.status()},
                         {"detail", problem.detail},
                         {"transaction_id", transaction_id}};
  if (!problem.rule.empty()) body["rule"] = problem.rule;
  Response response{problem.status(),
                    "application/problem+json",
                    {{"Fsc-Transaction-Id", transaction_id}},
                    // A detail never quotes input; should one carry invalid UTF-8, it is replaced.
                    body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
  if (problem.retry_after_seconds) {
    response.headers.emplace_back("Retry-After", std::to_string(*problem.retry_after_seconds));
  }
  return response;
}

}  // namespace schakel::gateway
