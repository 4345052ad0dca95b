// The W3C Trace Context grammar: what is continued, what is refused, and that
// nothing of a refused or dropped header survives.
#include "gateway/trace_context.hpp"

#include <gtest/gtest.h>

namespace schakel::gateway {
namespace {

constexpr const char* kValid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

Request with(HeaderList headers) {
  return Request{"POST", "/v1/messages", std::move(headers), ""};
}

TEST(TraceContext, ContinuesTheCallersTraceWithANewSpan) {
  auto trace = trace_context_of(with({{"traceparent", kValid}}));
  ASSERT_TRUE(trace.has_value());
  EXPECT_EQ(trace->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(trace->caller_traceparent, kValid);
  EXPECT_NE(trace->span_id, "00f067aa0ba902b7");
  EXPECT_EQ(trace->traceparent().substr(0, 36), "00-4bf92f3577b34da6a3ce929d0e0e4736-");
}

TEST(TraceContext, StartsANewTraceWithoutTraceparent) {
  auto trace = trace_context_of(with({}));
  ASSERT_TRUE(trace.has_value());
  EXPECT_EQ(trace->trace_id.size(), 32u);
  EXPECT_EQ(trace->span_id.size(), 16u);
  EXPECT_TRUE(trace->caller_traceparent.empty());
}

TEST(TraceContext, RefusesEveryTraceparentOutsideTheGrammar) {
  const std::string valid = kValid;
  std::vector<std::string> bad = {
      "garbage",
      "",
      valid.substr(0, 54),
      valid + "-",
      valid + "x",                                                  // version 00 is 55 long
      "ff" + valid.substr(2),                                       // version ff is invalid
      "0g" + valid.substr(2),                                       // version not hex
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",    // upper case
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",    // zero trace id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",    // zero parent id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0x",    // flags not hex
      "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // separator
      "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01.x",  // later version, no dash
      std::string("\xff\xfe") + valid.substr(2),                    // invalid UTF-8 in version
      valid.substr(0, 53) + "\xc3\x28",                             // invalid UTF-8 in flags
  };
  for (const auto& value : bad) {
    auto trace = trace_context_of(with({{"traceparent", value}}));
    ASSERT_FALSE(trace.has_value()) << value;
    EXPECT_EQ(trace.error().kind, ProblemKind::kInvalidHeader);
  }
}

TEST(TraceContext, AcceptsALaterVersionByItsFirstFields) {
  auto trace = parse_traceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what");
  ASSERT_TRUE(trace.has_value());
  EXPECT_EQ(*trace, kValid);  // rebuilt as version 00 from the validated parts only
}

TEST(TraceContext, ChecksTracestateAndNeverKeepsIt) {
  for (const char* fine : {"congo=t61rcWkgMzE", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
                           " a=1 ,, b=2 ", "tenant1@vendor=x y", "k=v"}) {
    EXPECT_TRUE(check_tracestate(fine).has_value()) << fine;
  }
  std::vector<std::string> bad = {"=v",   "K=v",  "a=",     "a=b\tc",     "a=b,a=c", "a=x=y",
                                  "1a=v", "a@=v", "a=\x7f", "a=\xc3\x28", "nokey"};
  std::string many;
  for (int i = 0; i < 33; ++i) many += "k" + std::to_string(i) + "=v,";
  bad.push_back(many);
  bad.push_back("a=" + std::string(257, 'v'));
  for (const auto& value : bad) {
    EXPECT_FALSE(check_tracestate(value).has_value()) << value;
    auto trace = trace_context_of(with({{"traceparent", kValid}, {"tracestate", value}}));
    EXPECT_FALSE(trace.has_value()) << value;
  }
  // A valid tracestate carrying a BSN is accepted as a header but kept nowhere.
  auto trace = trace_context_of(with({{"traceparent", kValid}, {"tracestate", "bsn=999990019"}}));
  ASSERT_TRUE(trace.has_value());
  EXPECT_EQ(trace->caller_traceparent.find("999990019"), std::string::npos);
}

}  // namespace
}  // namespace schakel::gateway
