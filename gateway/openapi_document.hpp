#pragma once
// docs/openapi.json as built in: the OpenAPI 3.1 description of the partner
// and admin APIs, served at the admin listener's GET /openapi.json. A test
// (tests/gateway/openapi_test.cpp) holds it to the routers: every endpoint a
// router knows is described, and nothing else.
#include <string_view>

namespace schakel::gateway {

[[nodiscard]] std::string_view openapi_document();

}  // namespace schakel::gateway
