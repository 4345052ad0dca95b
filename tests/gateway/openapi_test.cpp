// docs/openapi.json stays true (issue 18): every endpoint the gateway's
// routers know is described, under its listener's tag, and the document
// describes nothing else; every problem type the code can answer is in it;
// the admin listener serves it as built in. (tests/openapi lints it with
// @redocly/cli.)
#include <gtest/gtest.h>

#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "common/problem.hpp"
#include "gateway/openapi_document.hpp"
#include "tests/support/client.hpp"
#include "tests/support/peers.hpp"
#include "tests/support/test_gateway.hpp"

namespace schakel::testing {
namespace {

using Operation = std::tuple<std::string, std::string, std::string>;  // listener, METHOD, path

const std::set<std::string> kMethods = {"get", "put", "post", "delete", "patch", "head", "options"};

std::string upper(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::set<Operation> documented(const nlohmann::json& document) {
  std::set<Operation> operations;
  for (const auto& [path, item] : document.at("paths").items()) {
    for (const auto& [method, operation] : item.items()) {
      if (!kMethods.contains(method)) continue;
      const auto& tags = operation.value("tags", nlohmann::json::array());
      const std::string listener = tags.size() == 1 ? tags[0].get<std::string>() : "(tags?)";
      operations.insert({listener, upper(method), path});
    }
  }
  return operations;
}

class OpenApiTest : public ::testing::Test {
 protected:
  TlsUpstream upstream_;
};

TEST_F(OpenApiTest, DescribesEveryRouteOfEveryListenerAndNothingElse) {
  TestGateway gateway({upstream_.port(), closed_port(), closed_port()});
  std::set<Operation> routed;
  for (const auto& endpoint : gateway.endpoints()) {
    routed.insert({endpoint.listener, endpoint.method, endpoint.path});
  }
  const auto document = nlohmann::json::parse(gateway::openapi_document());
  const auto described = documented(document);
  for (const auto& route : routed) {
    EXPECT_TRUE(described.contains(route))
        << "not in docs/openapi.json: " << std::get<0>(route) << " " << std::get<1>(route) << " "
        << std::get<2>(route);
  }
  for (const auto& operation : described) {
    EXPECT_TRUE(routed.contains(operation))
        << "docs/openapi.json describes what no router serves: " << std::get<0>(operation) << " "
        << std::get<1>(operation) << " " << std::get<2>(operation);
  }
  EXPECT_GE(routed.size(), 20u);  // the partner API and the admin API, all of it
}

TEST_F(OpenApiTest, NamesEveryProblemTypeTheCodeAnswers) {
  const std::string document(gateway::openapi_document());
  for (int kind = 0; kind <= static_cast<int>(ProblemKind::kInternal); ++kind) {
    const auto problem = make_problem(static_cast<ProblemKind>(kind), "");
    EXPECT_NE(document.find(problem.type_uri()), std::string::npos)
        << problem.type_uri() << " is not in docs/openapi.json";
  }
}

TEST_F(OpenApiTest, TheAdminListenerServesTheDocument) {
  TestGateway gateway({upstream_.port(), closed_port(), closed_port()});
  const auto got = plain_get(gateway.admin_port(), "/openapi.json");
  ASSERT_TRUE(got) << got.error();
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(got->header("Content-Type"), "application/json");
  EXPECT_EQ(got->body, gateway::openapi_document());
  const auto document = got->json();
  EXPECT_TRUE(document.at("openapi").get<std::string>().starts_with("3.1"));
}

}  // namespace
}  // namespace schakel::testing
