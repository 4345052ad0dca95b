// The router of a listener: exact paths, 404 and 405 (with Allow) as
// problem+json, and no second handler for the same method and path.
#include "gateway/router.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <nlohmann/json.hpp>

namespace schakel::gateway {
namespace {

namespace asio = boost::asio;

Response answer(const Router& router, const std::string& method, const std::string& target) {
  asio::io_context io;
  const Request request{method, target, {}, ""};
  const PeerIdentity peer;
  auto route = [&]() -> asio::awaitable<Response> {
    co_return co_await router.route(peer, request);
  };
  auto future = asio::co_spawn(io, route(), asio::use_future);
  io.run();
  return future.get();
}

Router::Handler replying(int status) {
  return [status](const PeerIdentity&, const Request&) -> asio::awaitable<Response> {
    co_return Response{status, "text/plain", {}, "ok"};
  };
}

TEST(Router, ServesEachRouteAndRefusesTheRestAsProblems) {
  Router router("test");
  ASSERT_TRUE(router.add("POST", "/v1/messages", replying(201)).has_value());
  ASSERT_TRUE(router.add("GET", "/v1/messages", replying(200)).has_value());
  EXPECT_EQ(answer(router, "POST", "/v1/messages").status, 201);
  EXPECT_EQ(answer(router, "GET", "/v1/messages").status, 200);

  const auto missing = answer(router, "POST", "/v1/messages/");
  EXPECT_EQ(missing.status, 404) << "exact paths only";
  EXPECT_EQ(missing.content_type, "application/problem+json");
  EXPECT_EQ(nlohmann::json::parse(missing.body)["type"], "urn:schakel:problem:not-found");

  const auto wrong = answer(router, "DELETE", "/v1/messages");
  EXPECT_EQ(wrong.status, 405);
  const auto allow =
      std::ranges::find_if(wrong.headers, [](const auto& h) { return h.first == "Allow"; });
  ASSERT_NE(allow, wrong.headers.end());
  EXPECT_EQ(allow->second, "GET, POST");
}

TEST(Router, RefusesASecondHandlerForOneRoute) {
  Router router("test");
  ASSERT_TRUE(router.add("POST", "/x", replying(200)).has_value());
  auto again = router.add("POST", "/x", replying(500));
  ASSERT_FALSE(again.has_value());
  EXPECT_NE(again.error().find("two handlers for POST /x"), std::string::npos) << again.error();
  EXPECT_EQ(answer(router, "POST", "/x").status, 200) << "the first one still serves";
}

}  // namespace
}  // namespace schakel::gateway
