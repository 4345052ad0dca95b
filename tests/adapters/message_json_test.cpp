// Message bodies through simdjson (issue 11) against the strict nlohmann
// parser they replace, as the oracle: every input is refused by both or
// accepted by both with the same value and the same re-encoded bytes.
#include "adapters/message_json.hpp"

#include <gtest/gtest.h>

#include <random>

namespace schakel::adapters {
namespace {

constexpr std::size_t kDepth = 64;

void expect_same(const std::string& text) {
  const auto ours = parse_message_json(text, kDepth);
  if (text.find('\0') != std::string::npos) {
    // The one place the oracle is wrong: nlohmann stops reading at a NUL byte
    // and accepts what came before it ("4\0garbage" is 4). Refused here.
    EXPECT_FALSE(ours.has_value()) << "a body with a NUL byte was accepted";
    return;
  }
  const auto oracle = parse_strict_json(text, kDepth);
  ASSERT_EQ(ours.has_value(), oracle.has_value())
      << text.substr(0, 200) << "\n ours: " << (ours ? "accepted" : ours.error().message)
      << "\n oracle: " << (oracle ? "accepted" : oracle.error().message);
  if (ours) {
    EXPECT_EQ(*ours, *oracle) << text.substr(0, 200);
    EXPECT_EQ(ours->dump(), oracle->dump()) << text.substr(0, 200);
  } else if (ours.error().kind != StrictJsonErrorKind::kSyntax) {
    // simdjson reads the whole text first: a syntax error anywhere comes
    // before a duplicate the oracle met on the way; otherwise the kinds agree.
    EXPECT_EQ(ours.error().kind, oracle.error().kind) << text.substr(0, 200);
    if (oracle.error().kind == StrictJsonErrorKind::kDuplicateKey) {
      EXPECT_EQ(ours.error().pointer, oracle.error().pointer) << text.substr(0, 200);
    }
  }
}

TEST(MessageJson, AgreesWithTheStrictParserOnChosenInputs) {
  for (const char* text :
       {R"({"subject":{"bsn":"999990019"},"data":{"a":1,"b":-2,"c":2.5,"d":[true,false,null]}})",
        R"({"a":1,"a":2})",
        R"({"x":{"y":{"z":1,"z":2}}})",
        R"([{"k":1},{"k":1,"k":2}])",
        "9007199254740992",
        "9007199254740993",
        "-9007199254740993",
        "18446744073709551615",
        "123456789012345678901234",
        "1e400",
        "-0",
        "-0.0",
        "1.0",
        "1E2",
        "0.1",
        R"("\u0000\u001f\"\\\/\b\f\n\r\t")",
        R"("\ud83d\ude00")",
        R"("\ud800")",
        "\"\xc3\x28\"",
        "\"\xed\xa0\x80\"",
        "\"é€𝄞\"",
        "",
        " ",
        "{",
        "}",
        "[1,]",
        "{\"a\":}",
        "nul",
        "true false",
        "{} {}",
        "\"unterminated",
        " {\"a\" : [ 1 , 2 ] } ",
        "[]",
        "{}",
        "\t\n\r {}"}) {
    expect_same(text);
  }
}

TEST(MessageJson, AgreesOnNestingAtAndPastTheLimit) {
  for (const std::size_t depth : {kDepth - 1, kDepth, kDepth + 1, std::size_t{2000}}) {
    expect_same(std::string(depth, '[') + std::string(depth, ']'));
    std::string objects;
    for (std::size_t i = 0; i < depth; ++i) objects += "{\"k\":";
    expect_same(objects + "1" + std::string(depth, '}'));
  }
}

// Random documents, whole and cut short or with a byte changed.
TEST(MessageJson, AgreesOverARandomSweep) {
  std::mt19937_64 random(20261126);
  const std::vector<std::string> atoms = {
      "0",     "-1",   "42",   "9007199254740992", "3.25",      "-1e-3", "true",
      "false", "null", "\"\"", "\"tekst é\"",      "\"a\\nb\"", "1e300"};
  std::function<std::string(int)> value = [&](int depth) -> std::string {
    const auto pick = random() % (depth > 4 ? 1 : 3);
    if (pick == 0) return atoms[random() % atoms.size()];
    std::string out = pick == 1 ? "[" : "{";
    const int count = static_cast<int>(random() % 4);
    for (int i = 0; i < count; ++i) {
      if (i) out += ",";
      if (pick == 2) out += "\"k" + std::to_string(random() % 3) + "\":";
      out += value(depth + 1);
    }
    return out + (pick == 1 ? "]" : "}");
  };
  for (int i = 0; i < 5000; ++i) {
    std::string text = value(0);
    expect_same(text);
    if (text.size() > 1) {
      expect_same(text.substr(0, random() % text.size()));
      std::string changed = text;
      changed[random() % changed.size()] = "{}[]\",:x1 \\"[random() % 12];
      expect_same(changed);
    }
  }
}

}  // namespace
}  // namespace schakel::adapters
