#include "adapters/canonical_json_codec.hpp"

#include <gtest/gtest.h>

namespace schakel::adapters {
namespace {

using policy::SubjectId;

ProblemKind refusal_of(std::string_view body) {
  auto decoded = CanonicalJsonCodec().decode(body);
  EXPECT_FALSE(decoded.has_value()) << body;
  return decoded ? ProblemKind::kInternal : decoded.error().kind;
}

TEST(CanonicalJsonCodec, DecodesBsnAndPseudonymSubjects) {
  CanonicalJsonCodec codec;
  auto by_bsn = codec.decode(R"({"subject":{"bsn":"999990019"},"data":{"risk_level":"high"}})");
  ASSERT_TRUE(by_bsn.has_value());
  EXPECT_EQ(by_bsn->subject.kind, SubjectId::Kind::kBsn);
  EXPECT_EQ(by_bsn->data["risk_level"], "high");
  auto by_pseudonym = codec.decode(R"({"subject":{"pseudonym":"v1.abc"},"data":{}})");
  ASSERT_TRUE(by_pseudonym.has_value());
  EXPECT_EQ(by_pseudonym->subject.kind, SubjectId::Kind::kPseudonym);
}

TEST(CanonicalJsonCodec, RefusesMalformedBodiesWithoutEchoingThem) {
  EXPECT_EQ(refusal_of("not json"), ProblemKind::kMalformedBody);
  EXPECT_EQ(refusal_of("[1,2]"), ProblemKind::kMalformedBody);
  EXPECT_EQ(refusal_of(R"({"subject":{"bsn":"1"}})"), ProblemKind::kMalformedBody);
  EXPECT_EQ(refusal_of(R"({"subject":{"bsn":"1"},"data":[]})"), ProblemKind::kMalformedBody);
  EXPECT_EQ(refusal_of(R"({"subject":{"bsn":"1"},"data":{},"extra":1})"),
            ProblemKind::kMalformedBody);
  auto decoded =
      CanonicalJsonCodec().decode(R"({"subject":{"bsn":"999990019"},"data":{},"x":"secret"})");
  ASSERT_FALSE(decoded.has_value());
  EXPECT_EQ(decoded.error().detail.find("secret"), std::string::npos);
}

TEST(CanonicalJsonCodec, RefusesSubjectsWithoutExactlyOneIdentifier) {
  EXPECT_EQ(refusal_of(R"({"subject":{},"data":{}})"), ProblemKind::kInvalidSubject);
  EXPECT_EQ(refusal_of(R"({"subject":{"bsn":"1","pseudonym":"v1.a"},"data":{}})"),
            ProblemKind::kInvalidSubject);
  EXPECT_EQ(refusal_of(R"({"subject":{"bsn":999990019},"data":{}})"), ProblemKind::kInvalidSubject);
  EXPECT_EQ(refusal_of(R"({"subject":{"name":"Jan"},"data":{}})"), ProblemKind::kInvalidSubject);
}

TEST(CanonicalJsonCodec, RefusesDeepNesting) {
  std::string deep = R"({"subject":{"bsn":"999990019"},"data":{"a":)";
  deep += std::string(100, '[') + std::string(100, ']') + "}}";
  EXPECT_EQ(refusal_of(deep), ProblemKind::kMalformedBody);
  EXPECT_TRUE(
      CanonicalJsonCodec()
          .decode(R"({"subject":{"bsn":"1"},"data":{"t":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}})")
          .has_value())
      << "brackets inside strings are text";
}

TEST(CanonicalJsonCodec, EncodesWhatItDecodes) {
  CanonicalJsonCodec codec;
  policy::CanonicalMessage message{
      {SubjectId::Kind::kPseudonym, "v1.xyz"}, {{"postcode", "3511"}}, 0, {}};
  auto round = codec.decode(codec.encode(message).value());
  ASSERT_TRUE(round.has_value());
  EXPECT_EQ(round->subject.value, "v1.xyz");
  EXPECT_EQ(round->data, message.data);
}

TEST(CodecRegistry, FindsCodecsByMediaTypeIgnoringParameters) {
  CodecRegistry codecs;
  EXPECT_NE(codecs.find("application/json"), nullptr);
  EXPECT_NE(codecs.find("Application/JSON; charset=utf-8"), nullptr);
  EXPECT_NE(codecs.find("application/json;charset=\"UTF-8\""), nullptr);
  EXPECT_EQ(codecs.find("text/plain"), nullptr);
  // Bodies are UTF-8: another charset is refused rather than misread.
  EXPECT_EQ(codecs.find("application/json; charset=latin1"), nullptr);
  EXPECT_EQ(codecs.find("application/json; q=1; charset=iso-8859-1"), nullptr);
}

}  // namespace
}  // namespace schakel::adapters
