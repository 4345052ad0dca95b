#include "gateway/router.hpp"

#include "common/text.hpp"
#include "gateway/envelope.hpp"

namespace schakel::gateway {

std::expected<void, std::string> Router::add(const std::string& method, const std::string& path,
                                             Handler handler) {
  auto [it, added] = routes_[path].emplace(method, std::move(handler));
  if (!added) {
    return std::unexpected("the " + name_ + " listener has two handlers for " + method + " " +
                           path);
  }
  return {};
}

boost::asio::awaitable<Response> Router::route(const PeerIdentity& peer,
                                               const Request& request) const {
  const auto path = routes_.find(request.target);
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
                                      request.target + " accepts " + join(allowed, ", ") + " only"),
                         new_transaction_id());
    response.headers.emplace_back("Allow", join(allowed, ", "));
    co_return response;
  }
  // A named local: g++ 12 may destroy temporaries of a co_await expression twice.
  auto answer = handler->second(peer, request);
  co_return co_await std::move(answer);
}

}  // namespace schakel::gateway
