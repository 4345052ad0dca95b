#include "gateway/field_actions.hpp"

#include <gtest/gtest.h>

#include "tests/support/example_policy.hpp"

namespace schakel::gateway {
namespace {

TEST(FieldActionsTest, WhatOneGatewayWritesTheOtherReads) {
  const auto policy = testing::example_policy();
  const std::vector<policy::FieldAction> actions = {
      {"birth_date", "demographic", "year", "r1"},
      {"diagnosis", "health", "drop", "r2"},
      {"care_request", "care", "redact", "r3"},
      {"detention_release_date", "criminal", "keep", "r4"}};
  const std::string text = format_field_actions(actions);
  EXPECT_EQ(text, "birth_date=year,care_request=redact,detention_release_date=keep");
  auto read = parse_field_actions(text, *policy, "region.json#/peers/0");
  ASSERT_TRUE(read.has_value()) << read.error().detail;
  EXPECT_EQ(read->fields.size(), 3u);
  EXPECT_EQ(read->fields.at("birth_date"), policy::Transform::kYear);
  EXPECT_EQ(read->rule, "region.json#/peers/0");
  EXPECT_TRUE(parse_field_actions("", *policy, "r")->fields.empty());
}

TEST(FieldActionsTest, AnythingButTheGrammarIsRefused) {
  const auto policy = testing::example_policy();
  for (const char* text :
       {"birth_date", "birth_date=", "=year", "birth_date=year,", ",birth_date=year",
        "birth_date=year,birth_date=keep", "birth_date=drop", "birth_date=shred",
        "jan.devries=keep", "incidents=keep", "birth_date=year;postcode=keep", "care_request=year"}) {
    auto read = parse_field_actions(text, *policy, "r");
    ASSERT_FALSE(read.has_value()) << text;
    EXPECT_EQ(read.error().kind, ProblemKind::kInvalidHeader) << text;
    EXPECT_EQ(read.error().rule, "r") << text;
    EXPECT_EQ(read.error().detail.find("jan"), std::string::npos) << "never echoes input";
  }
}

}  // namespace
}  // namespace schakel::gateway
