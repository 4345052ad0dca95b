// The router of a listener: exact paths, 404 and 405 (with Allow) as
// problem+json, and no second handler for the same method and path; a query
// string only where the route takes it, each parameter once, decoded.
#include "gateway/router.hpp"

#include "gateway/query_string.hpp"

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

TEST(Router, RefusesTwoTemplatesOnePathCouldMatchAndAFragment) {
  Router router("test");
  ASSERT_TRUE(router.add("POST", "/v1/cases/{id}/level", replying(200)).has_value());
  ASSERT_TRUE(router.add("POST", "/v1/cases/open/level", replying(201)).has_value())
      << "an exact path beside a template: the exact one wins";
  EXPECT_EQ(answer(router, "POST", "/v1/cases/open/level").status, 201);
  auto ambiguous = router.add("POST", "/v1/cases/{case}/{what}", replying(500));
  ASSERT_FALSE(ambiguous.has_value());
  EXPECT_NE(ambiguous.error().find("could both match"), std::string::npos) << ambiguous.error();
  EXPECT_TRUE(router.add("GET", "/v1/cases/{case}/{what}", replying(200)).has_value())
      << "another method is no ambiguity";
  EXPECT_EQ(answer(router, "POST", "/v1/cases/x/level#top").status, 400);
}

TEST(Router, AQueryStringReachesOnlyARouteThatTakesItsParameters) {
  Router router("test");
  ASSERT_TRUE(router.add("POST", "/v1/plain", replying(200)).has_value());
  ASSERT_TRUE(router.add("POST", "/v1/asked", replying(200), {"purpose"}).has_value());
  EXPECT_EQ(answer(router, "POST", "/v1/asked?purpose=zvh-case-consultation").status, 200);
  EXPECT_EQ(answer(router, "POST", "/v1/asked").status, 200);
  struct Refused {
    const char* target;
    const char* why;
  };
  for (const auto& [target, why] : {Refused{"/v1/plain?purpose=x", "a route that takes none"},
                                    Refused{"/v1/asked?bsn=999990019", "an unknown parameter"},
                                    Refused{"/v1/asked?purpose=a&purpose=b", "a parameter twice"},
                                    Refused{"/v1/asked?purpose", "a parameter without a value"},
                                    Refused{"/v1/asked?purpose=%zz", "a broken escape"}}) {
    const auto refused = answer(router, "POST", target);
    EXPECT_EQ(refused.status, 400) << why;
    EXPECT_EQ(nlohmann::json::parse(refused.body)["type"], "urn:schakel:problem:malformed-request")
        << why;
    EXPECT_EQ(refused.body.find("999990019"), std::string::npos) << "a value in the problem";
  }
  const auto wrong = answer(router, "GET", "/v1/asked?purpose=999990019");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.body.find("999990019"), std::string::npos) << "a value in the problem";
}

TEST(QueryParameters, AreDecodedAndAbsentWithoutAQuery) {
  const std::vector<std::string> accepted = {"purpose", "from"};
  auto none = query_parameters("/v1/x", accepted);
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
  auto two = query_parameters("/v1/x?purpose=zvh%2Dcase&from=2026-11-26", accepted);
  ASSERT_TRUE(two.has_value());
  EXPECT_EQ(two->at("purpose"), "zvh-case");
  EXPECT_EQ(two->at("from"), "2026-11-26");
  EXPECT_EQ(path_of("/v1/x?purpose=y"), "/v1/x");
}

}  // namespace
}  // namespace schakel::gateway
