// Strict JSON: what nlohmann::json resolves silently is refused, with where.
#include "common/strict_json.hpp"

#include <gtest/gtest.h>

namespace schakel {
namespace {

TEST(StrictJson, ParsesOrdinaryDocumentsLikeNlohmann) {
  const std::string text =
      R"({"a":[1,-2,3.5,"x",null,true,{"b":{}}],"c":{"d":[[]]},"e":9007199254740992})";
  auto parsed = parse_strict_json(text);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().describe();
  EXPECT_EQ(*parsed, nlohmann::json::parse(text));
}

TEST(StrictJson, RefusesDuplicateMemberNamesWithTheirPointer) {
  auto parsed = parse_strict_json(R"({"subject":{"bsn":"1","bsn":"2"}})");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().kind, StrictJsonErrorKind::kDuplicateKey);
  EXPECT_EQ(parsed.error().pointer, "/subject/bsn");
  auto nested = parse_strict_json(R"({"a":[{"x":1},{"y":1,"y":2}]})");
  ASSERT_FALSE(nested.has_value());
  EXPECT_EQ(nested.error().pointer, "/a/1/y");
  EXPECT_TRUE(parse_strict_json(R"({"a":{"x":1},"b":{"x":1}})").has_value());
}

TEST(StrictJson, RefusesIntegersThatADoubleCannotHold) {
  for (const char* text : {"9007199254740993", "-9007199254740993", "18446744073709551615",
                           "123456789012345678901234567890", R"({"n":[1,99999999999999999999]})"}) {
    auto parsed = parse_strict_json(text);
    ASSERT_FALSE(parsed.has_value()) << text;
    EXPECT_EQ(parsed.error().kind, StrictJsonErrorKind::kIntegerTooLarge) << text;
  }
  EXPECT_EQ(parse_strict_json(R"({"n":[1,99999999999999999999]})").error().pointer, "/n/1");
  EXPECT_TRUE(parse_strict_json("1e300").has_value());
  EXPECT_TRUE(parse_strict_json("-9007199254740992").has_value());
}

TEST(StrictJson, RefusesDeepNestingAndBadSyntax) {
  EXPECT_EQ(parse_strict_json(std::string(65, '[') + std::string(65, ']')).error().kind,
            StrictJsonErrorKind::kTooDeep);
  EXPECT_TRUE(parse_strict_json(std::string(64, '[') + std::string(64, ']')).has_value());
  EXPECT_EQ(parse_strict_json(std::string(100000, '[')).error().kind,
            StrictJsonErrorKind::kTooDeep);
  for (const char* text : {"", "{", R"({"a":1,})", "\"\xc3\x28\"", "[1] [2]", "{\"a\" 1}"}) {
    auto parsed = parse_strict_json(text);
    ASSERT_FALSE(parsed.has_value()) << text;
    EXPECT_EQ(parsed.error().kind, StrictJsonErrorKind::kSyntax) << text;
  }
}

TEST(StrictJson, MessagesNeverQuoteTheInput) {
  auto parsed = parse_strict_json(R"({"999990019":1,"999990019":2})");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().describe().find("999990019"), std::string::npos);
  auto syntax = parse_strict_json(R"({"jan.devries@example.nl" 1})");
  EXPECT_EQ(syntax.error().describe().find("jan"), std::string::npos);
}

}  // namespace
}  // namespace schakel
