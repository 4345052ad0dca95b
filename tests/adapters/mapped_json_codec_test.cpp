// Mapped JSON (issue 13): the example region's municipal and police shapes,
// decoded into the canonical message and encoded back, pointer by pointer.
#include "adapters/mapped_json_codec.hpp"

#include <gtest/gtest.h>

#include "tests/support/example_policy.hpp"

namespace schakel::adapters {
namespace {

using nlohmann::json;
using policy::SubjectId;

const policy::MappedFormat& shape(const char* name) {
  static const auto policy = testing::example_policy();
  const auto* format = policy->mapped_format(name);
  if (!format) throw std::runtime_error(std::string("no format ") + name);
  return *format;
}

const json kPoliceDocument = json::parse(R"({
  "betrokkene": { "bsn": "999990019", "geboortedatum": "1987-03-14", "naam": "J. Jansen" },
  "registratie": { "datum": "2026-11-20", "code": "E33", "mutatietekst": "Verward op station.",
                   "locatie": { "postcode": "3511 AB", "straat": "Stationsplein" } },
  "beoordeling": { "risico": "high", "verward_gedrag": true },
  "eerdere_registraties": [ { "datum": "2026-01-02", "code": "E33", "agent": "1234" },
                            { "datum": "2025-06-30", "tekst": "Eerder gezien." } ],
  "intern": { "dossiernummer": "PL-2026-0042" }
})");

TEST(MappedJsonCodec, DecodesEveryMappedFieldAndCountsWhatItDrops) {
  const MappedJsonCodec codec(shape("politie-json"));
  auto message = codec.decode(kPoliceDocument.dump());
  ASSERT_TRUE(message.has_value()) << message.error().detail;
  EXPECT_EQ(message->subject.kind, SubjectId::Kind::kBsn);
  EXPECT_EQ(message->subject.value, "999990019");
  const json expected = json::parse(R"({
    "incident_date": "2026-11-20", "incident_code": "E33",
    "incident_summary": "Verward op station.", "birth_date": "1987-03-14",
    "postcode": "3511 AB", "risk_level": "high", "mental_health_concern": true,
    "earlier_incidents": [ { "date": "2026-01-02", "code": "E33" },
                           { "date": "2025-06-30", "summary": "Eerder gezien." } ] })");
  EXPECT_EQ(message->data, expected);
  // naam, straat, agent, dossiernummer: four values no pointer names.
  EXPECT_EQ(message->unmapped_dropped, 4u);
}

TEST(MappedJsonCodec, EncodesAtTheSamePointersAndRoundTrips) {
  const MappedJsonCodec police(shape("politie-json"));
  auto message = police.decode(kPoliceDocument.dump());
  ASSERT_TRUE(message.has_value());
  auto encoded = police.encode(*message);
  ASSERT_TRUE(encoded.has_value()) << encoded.error().detail;
  const auto document = json::parse(*encoded);
  EXPECT_EQ(document["registratie"]["locatie"]["postcode"], "3511 AB");
  EXPECT_EQ(document["eerdere_registraties"][1]["tekst"], "Eerder gezien.");
  EXPECT_FALSE(document["betrokkene"].contains("naam")) << "an unmapped value came back";
  auto again = police.decode(*encoded);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->data, message->data);
  EXPECT_EQ(again->unmapped_dropped, 0u);

  // Into the municipality's shape: what it maps, where it maps it.
  const MappedJsonCodec municipality(shape("gemeente-json"));
  policy::CanonicalMessage pseudonymised{{SubjectId::Kind::kPseudonym, "v1.abc.def"},
                                         {{"postcode", "3511"}, {"risk_level", "high"}},
                                         0,
                                         {}};
  auto for_municipality = municipality.encode(pseudonymised);
  ASSERT_TRUE(for_municipality.has_value());
  EXPECT_EQ(json::parse(*for_municipality),
            json::parse(R"({"inwoner": {"pseudoniem": "v1.abc.def", "adres": {"postcode": "3511"}},
                            "hulpvraag": {"urgentie": "high"}})"));
}

ProblemKind refusal_of(const MappedJsonCodec& codec, const std::string& body) {
  auto decoded = codec.decode(body);
  EXPECT_FALSE(decoded.has_value()) << body;
  if (decoded) return ProblemKind::kInternal;
  EXPECT_EQ(decoded.error().detail.find("Jansen"), std::string::npos) << "the body was echoed";
  return decoded.error().kind;
}

TEST(MappedJsonCodec, RefusesHostileDocumentsEachWithItsOwnProblem) {
  const MappedJsonCodec codec(shape("politie-json"));
  auto two = kPoliceDocument;
  two["betrokkene"]["pseudoniem"] = "v1.x.y";
  EXPECT_EQ(refusal_of(codec, two.dump()), ProblemKind::kInvalidSubject) << "two identities";
  auto none = kPoliceDocument;
  none["betrokkene"].erase("bsn");
  EXPECT_EQ(refusal_of(codec, none.dump()), ProblemKind::kInvalidSubject);
  auto number = kPoliceDocument;
  number["betrokkene"]["bsn"] = 999990019;
  EXPECT_EQ(refusal_of(codec, number.dump()), ProblemKind::kInvalidSubject);
  auto not_array = kPoliceDocument;
  not_array["eerdere_registraties"] = "Jansen";
  EXPECT_EQ(refusal_of(codec, not_array.dump()), ProblemKind::kMalformedBody);
  EXPECT_EQ(refusal_of(codec, R"({"betrokkene":{"bsn":"1","bsn":"2"}})"),
            ProblemKind::kMalformedBody)
      << "duplicate keys";
  EXPECT_EQ(refusal_of(codec, std::string(100, '[') + std::string(100, ']')),
            ProblemKind::kMalformedBody)
      << "deep nesting";
  EXPECT_EQ(refusal_of(codec, "[]"), ProblemKind::kMalformedBody);
  EXPECT_EQ(refusal_of(codec, "{\"betrokkene\":{\"bsn\":\"\xff\xfe\"}}"),
            ProblemKind::kMalformedBody)
      << "invalid UTF-8";
}

// A personal value where a member name belongs: dropped, counted, never named.
TEST(MappedJsonCodec, APersonalValueAsAMemberNameIsCountedNeverNamed) {
  const MappedJsonCodec codec(shape("politie-json"));
  auto document = kPoliceDocument;
  document["registratie"]["Jan Jansen, Stationsplein 1"] = "";
  auto message = codec.decode(document.dump());
  ASSERT_TRUE(message.has_value()) << message.error().detail;
  EXPECT_EQ(message->unmapped_dropped, 5u);
  EXPECT_EQ(message->data.dump().find("Jansen"), std::string::npos);
}

TEST(MappedJsonCodec, ASubjectTheShapeHasNoPlaceForIsAProblemNotAGuess) {
  policy::MappedFormat pseudonyms_only{"alleen-pseudoniem",
                                       std::nullopt,
                                       json::json_pointer("/client/pseudoniem"),
                                       {},
                                       "region.json#/formats/x"};
  const MappedJsonCodec codec(pseudonyms_only);
  auto encoded = codec.encode({{SubjectId::Kind::kBsn, "999990019"}, json::object(), 0, {}});
  ASSERT_FALSE(encoded.has_value());
  EXPECT_EQ(encoded.error().rule, "region.json#/formats/x/subject");
  EXPECT_EQ(encoded.error().detail.find("999990019"), std::string::npos);
}

}  // namespace
}  // namespace schakel::adapters
