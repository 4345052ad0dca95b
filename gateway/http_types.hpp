#pragma once
// The gateway's own view of one HTTP exchange, free of Beast types, so that
// the pipeline and its stages compile without Beast and can be tested alone.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/problem.hpp"

namespace schakel::gateway {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;
  std::string target;
  HeaderList headers;  // names as received; lookups are case-insensitive
  std::string body;

  [[nodiscard]] const std::string* header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  HeaderList headers;
  std::string body;
};

// An RFC 9457 problem+json reply carrying the transaction id.
[[nodiscard]] Response problem_response(const Problem& problem, const std::string& transaction_id);

}  // namespace schakel::gateway
