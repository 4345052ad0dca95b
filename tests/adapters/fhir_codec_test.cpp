// The FHIR R4 codec (adapters/fhir_codec.hpp) under the example guideline's
// mapping: documents written after the examples of the R4 specification
// (patient-example, condition-example, observation-example), decoded element
// by element, encoded into documents the npm package `fhir` validates.
#include "adapters/fhir_codec.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/support/example_policy.hpp"
#include "tests/support/fhir_validator.hpp"

namespace schakel::adapters {
namespace {

using json = nlohmann::json;
using policy::SubjectId;
using testing::example_policy;
using testing::fhir_validation_errors;

constexpr const char* kCodes = "https://schakel.nl/fhir/CodeSystem/gegevens";

// patient-example.json of R4, with a BSN beside its hospital number.
json patient() {
  return json::parse(R"({
    "resourceType": "Patient", "id": "example",
    "text": { "status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">Peter James Chalmers</div>" },
    "identifier": [
      { "use": "usual", "system": "urn:oid:1.2.36.146.595.217.0.1", "value": "12345" },
      { "system": "http://fhir.nl/fhir/NamingSystem/bsn", "value": "999990019" } ],
    "active": true,
    "name": [ { "use": "official", "family": "Chalmers", "given": [ "Peter", "James" ] } ],
    "telecom": [ { "system": "phone", "value": "(03) 5555 6473", "use": "work" } ],
    "gender": "male", "birthDate": "1974-12-25",
    "address": [ { "use": "home", "line": [ "534 Erewhon St" ], "city": "PleasantVille",
                   "postalCode": "3511 AB" } ],
    "contact": [ { "name": { "family": "du Marché" }, "telecom": [ { "system": "phone", "value": "+33 (237) 998327" } ] } ]
  })");
}

json observation(const std::string& code, json value, const std::string& subject) {
  json out = {{"resourceType", "Observation"},
              {"status", "final"},
              {"code", {{"coding", json::array({{{"system", kCodes}, {"code", code}}})}}},
              {"subject", {{"reference", subject}}},
              {"performer", json::array({{{"display", "A. Langeveld"}}})}};
  for (auto& [key, item] : value.items()) out[key] = item;
  return out;
}

json bundle(std::initializer_list<std::pair<std::string, json>> resources,
            const char* type = "collection") {
  json entries = json::array();
  for (const auto& [url, resource] : resources) {
    entries.push_back({{"fullUrl", url}, {"resource", resource}});
  }
  return {{"resourceType", "Bundle"}, {"type", type}, {"entry", entries}};
}

json example_bundle() {
  json condition = json::parse(R"({
    "resourceType": "Condition", "clinicalStatus": { "coding": [ { "system":
      "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active" } ] },
    "code": { "coding": [ { "system": "http://snomed.info/sct", "code": "39065001",
                            "display": "Burn of ear" } ], "text": "Burnt Ear" },
    "note": [ { "text": "Told his neighbour Jan de Vries about it" } ] })");
  condition["subject"] = {{"reference", "urn:uuid:6e1c1b8e-0000-4000-8000-000000000001"}};
  json related = json::parse(R"({
    "resourceType": "RelatedPerson", "name": [ { "family": "Chalmers", "given": [ "Bénédicte" ] } ],
    "telecom": [ { "system": "email", "value": "b.chalmers@example.org" } ] })");
  related["patient"] = {{"reference", "Patient/example"}};
  // Beside what the codec uses of a code and a reference: a text, a display, another coding.
  auto risk = observation("risk-level", {{"valueString", "high"}}, "Patient/example");
  risk["code"]["text"] = "Risico volgens Peter Chalmers";
  risk["code"]["coding"].push_back({{"system", "http://loinc.org"}, {"code", "75323-6"}});
  risk["subject"]["display"] = "Peter Chalmers";
  return bundle({{"urn:uuid:6e1c1b8e-0000-4000-8000-000000000001", patient()},
                 {"urn:uuid:6e1c1b8e-0000-4000-8000-000000000002", condition},
                 {"urn:uuid:6e1c1b8e-0000-4000-8000-000000000003", risk},
                 {"urn:uuid:6e1c1b8e-0000-4000-8000-000000000004", related}});
}

class FhirCodecTest : public ::testing::Test {
 protected:
  std::shared_ptr<const policy::Policy> policy_ = example_policy();
  FhirCodec codec_{*policy_->fhir()};

  Problem refused(const json& document) {
    auto decoded = codec_.decode(document.dump());
    EXPECT_FALSE(decoded.has_value()) << document.dump();
    return decoded ? Problem{ProblemKind::kInternal, "decoded", {}, {}} : decoded.error();
  }
};

TEST_F(FhirCodecTest, DecodesOnlyTheMappedElementsAndNamesWhatItDrops) {
  auto message = codec_.decode(example_bundle().dump());
  ASSERT_TRUE(message.has_value()) << message.error().detail;
  EXPECT_EQ(message->subject.kind, SubjectId::Kind::kBsn);
  EXPECT_EQ(message->subject.value, "999990019");
  EXPECT_EQ(message->data, json::parse(R"({"birth_date": "1974-12-25", "gender": "male",
      "postcode": "3511 AB", "diagnosis": "Burnt Ear", "risk_level": "high"})"));
  const auto& dropped = message->dropped_elements;
  for (const char* element : {"Patient.name", "Patient.telecom", "Patient.contact", "Patient.text",
                              "Patient.address.line", "Patient.address.city", "Patient.identifier",
                              "Condition.code.coding", "Condition.note", "RelatedPerson.name",
                              "RelatedPerson.telecom", "Observation.performer"}) {
    EXPECT_NE(std::ranges::find(dropped, element), dropped.end()) << element;
  }
  const std::string names = json(dropped).dump();
  for (const char* value : {"Chalmers", "Peter", "Erewhon", "12345", "Vries", "5555"}) {
    EXPECT_EQ(names.find(value), std::string::npos) << value;
  }
  EXPECT_GE(message->unmapped_dropped, 20u);
}

TEST_F(FhirCodecTest, AMemberR4DoesNotKnowIsDroppedWithoutItsName) {
  auto document = patient();
  document["Jansen"] = "x";
  auto message = codec_.decode(document.dump());
  ASSERT_TRUE(message.has_value()) << message.error().detail;
  const std::string names = json(message->dropped_elements).dump();
  EXPECT_EQ(names.find("Jansen"), std::string::npos);
  EXPECT_NE(names.find("Patient.(unknown element)"), std::string::npos) << names;
}

TEST_F(FhirCodecTest, EncodesAValidBundleWithOnlyWhatTheMessageHolds) {
  policy::CanonicalMessage message{{SubjectId::Kind::kPseudonym, "v1.AAAA.BBBB"}, json::parse(R"({
      "birth_date": "1974", "gender": "male", "postcode": "3511", "diagnosis": "[diagnose]",
      "risk_level": "high", "care_involved": true, "household_children": 2,
      "incident_date": "2026-11-20", "incident_code": "E33", "incident_summary": "[naam] belde",
      "detention_release_date": "2026-12-01",
      "earlier_incidents": [ { "date": "2025-01-02", "code": "A1", "summary": "eerder" },
                             { "date": "2024-03-04" } ] })")};
  auto encoded = codec_.encode(message);
  ASSERT_TRUE(encoded.has_value()) << encoded.error().detail;
  EXPECT_EQ(fhir_validation_errors(*encoded), std::vector<std::string>{}) << *encoded;
  const auto out = json::parse(*encoded);
  ASSERT_EQ(out["type"], "collection");
  const auto& entries = out["entry"];
  const auto& patient_entry = entries[0];
  EXPECT_EQ(patient_entry["resource"]["identifier"],
            json::parse(R"([{"system": "https://schakel.nl/fhir/NamingSystem/pseudoniem",
                             "value": "v1.AAAA.BBBB"}])"));
  std::set<std::string> urls;
  for (const auto& entry : entries) urls.insert(entry["fullUrl"].get<std::string>());
  EXPECT_EQ(urls.size(), entries.size()) << "each fullUrl once";
  std::size_t observations = 0;
  for (const auto& entry : entries) {
    const auto& resource = entry["resource"];
    if (resource["resourceType"] == "Patient") continue;
    if (resource["resourceType"] == "Observation") ++observations;
    const auto& reference = resource["subject"]["reference"];
    EXPECT_EQ(reference, patient_entry["fullUrl"]) << resource.dump();
  }
  // risk, care, children, release date, and one per earlier incident
  EXPECT_EQ(observations, 6u) << *encoded;
  for (const char* absent : {"name", "telecom", "999990019"}) {
    EXPECT_EQ(encoded->find(absent), std::string::npos) << absent;
  }
}

TEST_F(FhirCodecTest, RoundTripsEveryMappedField) {
  const auto fields = json::parse(R"({
      "birth_date": "1974-12-25", "gender": "female", "postcode": "3511 AB", "diagnosis": "F20",
      "risk_level": "acute", "care_involved": false, "mental_health_concern": true,
      "children_involved": true, "household_children": 3, "housing_status": "homeless",
      "offence_category": "geweld", "detention_release_date": "2026-12-01",
      "incident_date": "2026-11-20", "incident_code": "E33", "incident_summary": "tekst",
      "care_request": "hulp", "earlier_incidents": [ { "date": "2025-01-02", "code": "A1",
      "summary": "eerder" } ] })");
  for (const auto& subject : {SubjectId{SubjectId::Kind::kBsn, "999990019"},
                              SubjectId{SubjectId::Kind::kPseudonym, "v1.AAAA.BBBB"}}) {
    auto encoded = codec_.encode({subject, fields});
    ASSERT_TRUE(encoded.has_value());
    EXPECT_EQ(fhir_validation_errors(*encoded), std::vector<std::string>{}) << *encoded;
    auto decoded = codec_.decode(*encoded);
    ASSERT_TRUE(decoded.has_value()) << decoded.error().detail << "\n" << *encoded;
    EXPECT_EQ(decoded->subject.kind, subject.kind);
    EXPECT_EQ(decoded->subject.value, subject.value);
    EXPECT_EQ(decoded->data, fields);
    EXPECT_EQ(decoded->unmapped_dropped, 0u) << json(decoded->dropped_elements).dump();
  }
}

TEST_F(FhirCodecTest, AValueItsPrimitiveCannotHoldTravelsAsAnExtension) {
  auto encoded = codec_.encode({{SubjectId::Kind::kPseudonym, "v1.AAAA.BBBB"},
                                {{"birth_date", "40-49"}, {"incident_summary", ""}}});
  // An empty text is no FHIR string: neither it nor a resource for it is written.
  ASSERT_TRUE(encoded.has_value());
  EXPECT_EQ(fhir_validation_errors(*encoded), std::vector<std::string>{}) << *encoded;
  const auto out = json::parse(*encoded);
  const auto& patient_out = out["entry"][0]["resource"];
  EXPECT_FALSE(patient_out.contains("birthDate"));
  EXPECT_EQ(patient_out["_birthDate"]["extension"][0]["valueString"], "40-49");
  EXPECT_EQ(patient_out["_birthDate"]["extension"][0]["url"], FhirCodec::kGeneralisedUrl);
  EXPECT_EQ(out["entry"].size(), 1u) << "no Communication for an empty text";
}

TEST_F(FhirCodecTest, ADateTimeGivesItsDayAndControlsAndBigIntegersStayValidR4) {
  json encounter = {{"resourceType", "Encounter"},
                    {"status", "finished"},
                    {"class", {{"system", kCodes}, {"code", "incident"}}},
                    {"subject", {{"reference", "urn:uuid:1"}}},
                    {"period", {{"start", "2026-11-22T10:00:00+01:00"}}}};
  auto message =
      codec_.decode(bundle({{"urn:uuid:1", patient()}, {"urn:uuid:2", encounter}}).dump());
  ASSERT_TRUE(message.has_value()) << message.error().detail;
  EXPECT_EQ(message->data["incident_date"], "2026-11-22");
  auto encoded =
      codec_.encode({{SubjectId::Kind::kPseudonym, "v1.AAAA.BBBB"},
                     {{"incident_summary", std::string("Ruzie") + '\0' + " met " + '\a' + "buren"},
                      {"household_children", 1099511627776}}});
  ASSERT_TRUE(encoded.has_value());
  EXPECT_EQ(encoded->find("\\u0000"), std::string::npos) << *encoded;
  EXPECT_EQ(encoded->find("\\u0007"), std::string::npos) << *encoded;
  EXPECT_NE(encoded->find("Ruzie\xEF\xBF\xBD met \xEF\xBF\xBD"
                          "buren"),
            std::string::npos)
      << *encoded;
  EXPECT_NE(encoded->find(R"("valueString":"1099511627776")"), std::string::npos) << *encoded;
  EXPECT_EQ(fhir_validation_errors(*encoded), std::vector<std::string>{}) << *encoded;
}

TEST_F(FhirCodecTest, ASingleResourceNamesItsSubjectByIdentifier) {
  auto alone = observation("care-involved", {{"valueBoolean", true}}, "x");
  alone["subject"] = {
      {"identifier", {{"system", "http://fhir.nl/fhir/NamingSystem/bsn"}, {"value", "999990019"}}}};
  auto message = codec_.decode(alone.dump());
  ASSERT_TRUE(message.has_value()) << message.error().detail;
  EXPECT_EQ(message->subject.value, "999990019");
  EXPECT_EQ(message->data, json({{"care_involved", true}}));
}

TEST_F(FhirCodecTest, AMessageBundleStartsWithItsHeader) {
  json header = {{"resourceType", "MessageHeader"},
                 {"eventCoding", {{"system", kCodes}, {"code", "signal"}}},
                 {"source", {{"endpoint", "https://ggz.example/fhir"}}}};
  auto message =
      codec_.decode(bundle({{"urn:uuid:1", header}, {"urn:uuid:2", patient()}}, "message").dump());
  ASSERT_TRUE(message.has_value()) << message.error().detail;
  EXPECT_NE(std::ranges::find(message->dropped_elements, "MessageHeader.source"),
            message->dropped_elements.end());
  const auto problem = refused(bundle({{"urn:uuid:2", patient()}}, "message"));
  EXPECT_EQ(problem.name(), "unsupported-resource");
  EXPECT_NE(problem.detail.find("starts with its MessageHeader"), std::string::npos);
}

// Each hostile document, refused with its own problem naming its rule.
struct Hostile {
  const char* what;
  std::string body;
  const char* problem;
  const char* detail;
};

std::string nested(std::size_t depth) {
  std::string inner = "1";
  for (std::size_t i = 0; i < depth; ++i) inner = "[" + inner + "]";
  return R"({"resourceType": "Patient", "extension": )" + inner + "}";
}

std::vector<Hostile> hostile_documents() {
  std::vector<Hostile> out;
  out.push_back({"deep nesting", nested(100), "malformed-body", "nesting deeper than 32"});
  auto huge = patient();
  huge["address"] = json::array();
  for (int i = 0; i < 1001; ++i) huge["address"].push_back({{"postalCode", "3511"}});
  out.push_back({"a huge array", huge.dump(), "too-many-items", "more than 1000 items"});
  std::string twice = patient().dump();
  twice.insert(twice.size() - 1, R"(,"birthDate":"1980-01-01")");
  out.push_back({"a duplicate key", twice, "malformed-body", "twice"});
  auto wrong = patient();
  wrong["birthDate"] = 19741225;
  out.push_back({"a number for a date", wrong.dump(), "invalid-fhir",
                 "Patient.birthDate must be a FHIR date"});
  wrong = patient();
  wrong["address"] = {{"postalCode", "3511 AB"}};
  out.push_back({"an object where R4 repeats", wrong.dump(), "invalid-fhir",
                 "Patient.address must be an array"});
  out.push_back({"an unknown resource type", R"({"resourceType": "Medication"})",
                 "unsupported-resource", "does not accept"});
  out.push_back({"a Bundle of another type",
                 bundle({{"urn:uuid:1", patient()}}, "transaction").dump(), "unsupported-resource",
                 "collection or message"});
  auto two_bsn = patient();
  two_bsn["identifier"].push_back(
      {{"system", "http://fhir.nl/fhir/NamingSystem/bsn"}, {"value", "111222333"}});
  out.push_back({"a Patient with two BSNs", two_bsn.dump(), "invalid-subject", "two BSN"});
  auto both = patient();
  both["identifier"].push_back(
      {{"system", std::string(FhirCodec::kPseudonymSystem)}, {"value", "v1.AAAA.BBBB"}});
  out.push_back({"a BSN and a pseudonym", both.dump(), "invalid-subject", "two identities"});
  out.push_back({"two Patients",
                 bundle({{"urn:uuid:1", patient()}, {"urn:uuid:2", patient()}}).dump(),
                 "invalid-subject", "two Patients"});
  out.push_back(
      {"a resource about someone else",
       bundle(
           {{"urn:uuid:1", patient()},
            {"urn:uuid:2", observation("risk-level", {{"valueString", "low"}}, "Patient/another")}})
           .dump(),
       "invalid-subject", "Observation.subject.reference names no one, or someone other"});
  auto modifier = patient();
  modifier["modifierExtension"] =
      json::array({{{"url", "https://x.example/m"}, {"valueBoolean", true}}});
  out.push_back({"a modifier extension", modifier.dump(), "invalid-fhir", "modifierExtension"});
  json payload_modifier = {
      {"resourceType", "Communication"},
      {"status", "completed"},
      {"category",
       json::array({{{"coding", json::array({{{"system", kCodes}, {"code", "care-request"}}})}}})},
      {"subject", {{"reference", "urn:uuid:1"}}},
      {"payload",
       json::array({{{"contentString", "hulp"},
                     {"modifierExtension", json::array({{{"url", "https://x.example/niet"},
                                                         {"valueBoolean", true}}})}}})}};
  out.push_back({"a modifier on a mapped element",
                 bundle({{"urn:uuid:1", patient()}, {"urn:uuid:2", payload_modifier}}).dump(),
                 "invalid-fhir", "Communication.payload.modifierExtension"});
  auto two_forms = observation("risk-level", {{"valueString", "low"}}, "urn:uuid:1");
  two_forms["valueBoolean"] = true;
  out.push_back({"a choice element in two forms",
                 bundle({{"urn:uuid:1", patient()}, {"urn:uuid:2", two_forms}}).dump(),
                 "invalid-fhir", "Observation.value[x] is given in two forms"});
  out.push_back(
      {"two values for one field",
       bundle({{"urn:uuid:1", patient()},
               {"urn:uuid:2", observation("risk-level", {{"valueString", "low"}}, "urn:uuid:1")},
               {"urn:uuid:3", observation("risk-level", {{"valueString", "high"}}, "urn:uuid:1")}})
           .dump(),
       "invalid-fhir", "two values for risk_level"});
  auto conflicting = observation("risk-level", {{"valueString", "low"}}, "urn:uuid:1");
  conflicting["subject"]["identifier"] = {{"system", "http://fhir.nl/fhir/NamingSystem/bsn"},
                                          {"value", "111222333"}};
  out.push_back({"a reference to the Patient with another person's identifier",
                 bundle({{"urn:uuid:1", patient()}, {"urn:uuid:2", conflicting}}).dump(),
                 "invalid-subject",
                 "Observation.subject.identifier names someone other than the Patient"});
  auto two_codes = observation("care-involved", {{"valueBoolean", true}}, "urn:uuid:1");
  two_codes["code"]["coding"].push_back({{"system", kCodes}, {"code", "mental-health-concern"}});
  out.push_back({"one value for two fields",
                 bundle({{"urn:uuid:1", patient()}, {"urn:uuid:2", two_codes}}).dump(),
                 "invalid-fhir", "carries the codes of both"});
  auto cancelled = observation("risk-level", {{"valueString", "low"}}, "urn:uuid:1");
  cancelled["status"] = "cancelled";
  out.push_back({"a cancelled Observation",
                 bundle({{"urn:uuid:1", patient()}, {"urn:uuid:2", cancelled}}).dump(),
                 "invalid-fhir", "Observation.status is cancelled: the resource takes back"});
  auto preliminary = observation("risk-level", {{"valueString", "low"}}, "urn:uuid:1");
  preliminary["status"] = "preliminary";
  out.push_back({"a preliminary Observation",
                 bundle({{"urn:uuid:1", patient()}, {"urn:uuid:2", preliminary}}).dump(),
                 "invalid-fhir", "Observation.status must be final"});
  auto erroneous = observation("risk-level", {{"valueString", "low"}}, "urn:uuid:1");
  erroneous["status"] = "entered-in-error";
  out.push_back({"an entered-in-error resource",
                 bundle({{"urn:uuid:1", patient()}, {"urn:uuid:2", erroneous}}).dump(),
                 "invalid-fhir", "entered-in-error"});
  out.push_back({"no subject", R"({"resourceType": "Patient", "birthDate": "1974"})",
                 "invalid-subject", "no identifier"});
  return out;
}

TEST_F(FhirCodecTest, HostileDocumentsAreRefusedEachWithItsOwnProblem) {
  std::set<std::string> details;
  for (const auto& hostile : hostile_documents()) {
    auto decoded = codec_.decode(hostile.body);
    ASSERT_FALSE(decoded.has_value()) << hostile.what;
    EXPECT_EQ(decoded.error().name(), hostile.problem)
        << hostile.what << ": " << decoded.error().detail;
    EXPECT_NE(decoded.error().detail.find(hostile.detail), std::string::npos)
        << hostile.what << ": " << decoded.error().detail;
    for (const char* value : {"999990019", "111222333", "Chalmers", "Medication"}) {
      EXPECT_EQ(decoded.error().detail.find(value), std::string::npos) << hostile.what;
    }
    details.insert(decoded.error().detail);
  }
  EXPECT_EQ(details.size(), hostile_documents().size()) << "each refusal says what it refused";
}

}  // namespace
}  // namespace schakel::adapters
