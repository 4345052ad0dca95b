#pragma once
// The routes of one listener: each endpoint is a (method, path) and a
// handler, registered by the one file that implements it (messages_route.cpp,
// admin_service.cpp, ...). A path is exact, or a template whose "{name}"
// segments each match one non-empty segment ("/v1/signals/{id}"; the handler
// reads it with path_segment); an exact path wins over a template. Routing
// looks at the path only; a query string is refused (400) unless the route
// named the parameters it takes (query_string.hpp: each at most once, with a
// value) — the handler reads them with query_parameters. A path nobody registered is
// answered 404, a registered path with another method 405 with Allow — both problem+json.
// Registering a method and path twice, or two templates for one method that
// a path could match both, is an error, never "last one wins"; a target with
// a fragment ('#') is refused (400).
// Filled before the listener starts, read-only afterwards (no lock needed).
#include <expected>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "gateway/http_types.hpp"
#include "gateway/peer_identity.hpp"

namespace schakel::gateway {

class Router {
 public:
  using Handler =
      std::function<boost::asio::awaitable<Response>(const PeerIdentity&, const Request&)>;

  explicit Router(std::string name) : name_(std::move(name)) {}

  [[nodiscard]] std::expected<void, std::string> add(const std::string& method,
                                                     const std::string& path, Handler handler,
                                                     std::vector<std::string> query = {});
  [[nodiscard]] boost::asio::awaitable<Response> route(const PeerIdentity& peer,
                                                       const Request& request) const;

  struct Endpoint {
    std::string method;
    std::string path;  // as registered: "/v1/signals/{id}", OpenAPI's template syntax
  };
  // Every (method, path) registered, by path then method: what
  // docs/openapi.json must describe (tests/gateway/openapi_test.cpp).
  [[nodiscard]] std::vector<Endpoint> endpoints() const;

 private:
  struct Route {
    Handler handler;
    std::vector<std::string> query;  // the query parameters it takes
  };
  std::string name_;                                            // "partner", "admin": for errors
  std::map<std::string, std::map<std::string, Route>> routes_;  // path -> method -> route
};

// The `index`-th segment of a target's path ("/v1/signals/abc", 2 -> "abc"),
// or empty when it has fewer.
[[nodiscard]] std::string path_segment(std::string_view target, std::size_t index);

}  // namespace schakel::gateway
