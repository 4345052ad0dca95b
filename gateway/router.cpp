#include "gateway/router.hpp"

#include <algorithm>

#include "common/text.hpp"
#include "gateway/envelope.hpp"
#include "gateway/query_string.hpp"

namespace schakel::gateway {

namespace {

std::vector<std::string_view> segments_of(std::string_view path) {
  std::vector<std::string_view> out;
  for (std::size_t at = 1; at <= path.size();) {
    const auto next = std::min(path.find('/', at), path.size());
    out.push_back(path.substr(at, next - at));
    at = next + 1;
  }
  return out;
}

bool matches(std::string_view pattern, std::string_view target) {
  const auto want = segments_of(pattern);
  const auto have = segments_of(target);
  if (want.size() != have.size()) return false;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const bool parameter = want[i].starts_with('{') && want[i].ends_with('}');
    if (parameter ? have[i].empty() : want[i] != have[i]) return false;
  }
  return true;
}

// Two templates that some one path would match both: segment by segment,
// equal or one of them a parameter (an exact path beside a template is no
// ambiguity: the exact one wins).
bool could_both_match(std::string_view a, std::string_view b) {
  const auto left = segments_of(a);
  const auto right = segments_of(b);
  if (left.size() != right.size()) return false;
  auto parameter = [](std::string_view s) { return s.starts_with('{') && s.ends_with('}'); };
  for (std::size_t i = 0; i < left.size(); ++i) {
    if (left[i] != right[i] && !parameter(left[i]) && !parameter(right[i])) return false;
  }
  return true;
}

}  // namespace

std::expected<void, std::string> Router::add(const std::string& method, const std::string& path,
                                             Handler handler, std::vector<std::string> query) {
  for (const auto& [other, methods] : routes_) {
    const bool templates =
        other.find('{') != std::string::npos && path.find('{') != std::string::npos;
    if (other != path && templates && methods.contains(method) && could_both_match(other, path)) {
      return std::unexpected("the " + name_ + " listener's " + method + " " + path + " and " +
                             other + " could both match one path");
    }
  }
  auto [it, added] = routes_[path].emplace(method, Route{std::move(handler), std::move(query)});
  if (!added) {
    return std::unexpected("the " + name_ + " listener has two handlers for " + method + " " +
                           path);
  }
  return {};
}

std::vector<Router::Endpoint> Router::endpoints() const {
  std::vector<Endpoint> all;
  for (const auto& [path, methods] : routes_) {
    for (const auto& [method, route] : methods) all.push_back({method, path});
  }
  return all;
}

std::string path_segment(std::string_view target, std::size_t index) {
  const auto segments = segments_of(path_of(target));
  return index < segments.size() ? std::string(segments[index]) : std::string();
}

boost::asio::awaitable<Response> Router::route(const PeerIdentity& peer,
                                               const Request& request) const {
  if (request.target.find('#') != std::string::npos) {  // a fragment is never sent (RFC 9112)
    co_return problem_response(
        make_problem(ProblemKind::kMalformedRequest, "a request target has no fragment"),
        new_transaction_id());
  }
  const std::string_view target = path_of(request.target);
  auto path = routes_.find(std::string(target));
  if (path == routes_.end() && target.starts_with('/')) {
    path = std::ranges::find_if(routes_, [&](const auto& route) {
      return route.first.find('{') != std::string::npos && matches(route.first, target);
    });
  }
  if (path == routes_.end()) {
    std::vector<std::string> known;
    for (const auto& [name, methods] : routes_) known.push_back(name);
    co_return problem_response(
        make_problem(ProblemKind::kNotFound,
                     "no such endpoint; this listener serves " + join(known, ", ")),
        new_transaction_id());
  }
  const auto handler = path->second.find(request.method);
  if (handler == path->second.end()) {
    std::vector<std::string> allowed;
    for (const auto& [method, unused] : path->second) allowed.push_back(method);
    Response response =
        problem_response(make_problem(ProblemKind::kMethodNotAllowed,
                                      path->first + " accepts " + join(allowed, ", ") + " only"),
                         new_transaction_id());
    response.headers.emplace_back("Allow", join(allowed, ", "));
    co_return response;
  }
  if (auto query = query_parameters(request.target, handler->second.query); !query) {
    co_return problem_response(query.error(), new_transaction_id());
  }
  // A named local: g++ 12 may destroy temporaries of a co_await expression twice.
  auto answer = handler->second.handler(peer, request);
  co_return co_await std::move(answer);
}

}  // namespace schakel::gateway
