// FHIR partners through the real gateway (issue 13): the mental-health
// provider speaks FHIR R4 both ways, the ZVH and the police their own mapped
// JSON. Every FHIR document the gateway emits is validated by the npm
// package `fhir`; hostile FHIR is refused with problem+json and never forwarded.
#include <gtest/gtest.h>

#include "gateway/envelope.hpp"
#include "tests/support/client.hpp"
#include "tests/support/fhir_validator.hpp"
#include "tests/support/peers.hpp"
#include "tests/support/test_gateway.hpp"

namespace schakel::testing {
namespace {

using nlohmann::json;

constexpr const char* kFhir = "application/fhir+json";
constexpr const char* kCodes = "https://schakel.nl/fhir/CodeSystem/gegevens";

// After R4's patient-example, with a BSN; a care request and a risk beside it.
json ggz_bundle() {
  json patient = json::parse(R"({
    "resourceType": "Patient", "id": "p1",
    "identifier": [ { "system": "http://fhir.nl/fhir/NamingSystem/bsn", "value": "999990019" } ],
    "name": [ { "family": "Chalmers", "given": [ "Peter" ] } ],
    "telecom": [ { "system": "phone", "value": "0612345678" } ],
    "birthDate": "1974-12-25",
    "address": [ { "line": [ "Erewhonstraat 5" ], "postalCode": "3511 AB" } ] })");
  json risk = {{"resourceType", "Observation"},
               {"status", "final"},
               {"code", {{"coding", json::array({{{"system", kCodes}, {"code", "risk-level"}}})}}},
               {"subject", {{"reference", "Patient/p1"}}},
               {"valueString", "high"},
               {"note", json::array({{{"text", "Peter Chalmers is bekend bij de GGZ"}}})}};
  json request = {
      {"resourceType", "Communication"},
      {"status", "completed"},
      {"category",
       json::array({{{"coding", json::array({{{"system", kCodes}, {"code", "care-request"}}})}}})},
      {"subject", {{"reference", "Patient/p1"}}},
      {"payload",
       json::array({{{"contentString", "Peter Chalmers vraagt hulp, bel 0612345678"}}})}};
  json entries = json::array();
  int n = 0;
  for (auto& resource : {patient, risk, request}) {
    entries.push_back(
        {{"fullUrl", "urn:uuid:0d9e0c2a-0000-4000-8000-00000000000" + std::to_string(++n)},
         {"resource", resource}});
  }
  return {{"resourceType", "Bundle"}, {"type", "collection"}, {"entry", entries}};
}

class FhirFormatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gateway_ = std::make_unique<TestGateway>(
        PeerPorts{upstream_.port(), silent_.port(), closed_port()}, [](gateway::Settings& s) {
          auto region = json::parse(read_file(s.region));
          for (auto& partner : region["partners"]) {
            if (partner["id"] == "ggz-voorbeeld") partner["format"] = kFhir;
            if (partner["id"] == "zvh-voorbeeld") partner["format"] = "mapped-json:gemeente-json";
            if (partner["id"] == "politie-eenheid-voorbeeld") {
              partner["format"] = "mapped-json:politie-json";
            }
          }
          write_file(s.region, region.dump(2));
        });
  }

  HttpResult send(const char* sender, const char* recipient, const char* purpose, const char* level,
                  const std::string& body, const char* type, std::string* id) {
    *id = gateway::new_transaction_id();
    HttpRequest request{"POST",
                        "/v1/messages",
                        {{"Content-Type", type},
                         {"Schakel-Recipient", recipient},
                         {"Schakel-Purpose", purpose},
                         {"Schakel-Level", level},
                         {"Fsc-Transaction-Id", *id}},
                        body};
    auto reply = tls_request(gateway_->port(), partner_cert(sender), request);
    EXPECT_TRUE(reply.has_value()) << reply.error();
    return reply.value_or(HttpResult{});
  }

  HttpResult from_ggz(const std::string& body, std::string* id, const char* type = kFhir) {
    return send("ggz-voorbeeld", partners::kZvh, "zvh-case-consultation", "3", body, type, id);
  }

  TlsUpstream upstream_;
  SilentPeer silent_;
  std::unique_ptr<TestGateway> gateway_;
};

TEST_F(FhirFormatTest, AFhirBundleReachesAMappedRecipientElementByElement) {
  std::string id;
  const auto reply = from_ggz(ggz_bundle().dump(), &id);
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto received = upstream_.received_with(id);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].header("Content-Type"), "application/json");
  const auto body = json::parse(received[0].body);
  EXPECT_TRUE(body["inwoner"]["pseudoniem"].get<std::string>().starts_with("v1."));
  EXPECT_EQ(body["inwoner"]["geboortedatum"], "1974-12-25");
  EXPECT_EQ(body["inwoner"]["adres"]["postcode"], "3511 AB");
  EXPECT_EQ(body["hulpvraag"]["urgentie"], "high");
  EXPECT_TRUE(body["hulpvraag"].contains("omschrijving")) << "the care request, redacted";
  const std::string all = received[0].all_bytes();
  for (const char* leaked : {"999990019", "Chalmers", "Peter", "0612345678", "Erewhon"}) {
    EXPECT_EQ(all.find(leaked), std::string::npos) << leaked << " reached the recipient";
  }
  const auto records = gateway_->decision_records(id);
  ASSERT_EQ(records.size(), 1u);
  const std::string dropped = records[0]["details"]["dropped_elements"];
  for (const char* element :
       {"Patient.name", "Patient.telecom", "Patient.address.line", "Observation.note"}) {
    EXPECT_NE(dropped.find(element), std::string::npos) << element << " in " << dropped;
  }
  const std::string record = records[0].dump();
  for (const char* leaked : {"999990019", "Chalmers", "0612345678"}) {
    EXPECT_EQ(record.find(leaked), std::string::npos) << leaked << " in the trail";
  }
}

TEST_F(FhirFormatTest, AMappedSenderReachesAFhirRecipientAsValidR4) {
  const json police = json::parse(R"({
    "betrokkene": { "bsn": "999990019", "geboortedatum": "1987-03-14", "naam": "Jan Jansen" },
    "registratie": { "datum": "2026-11-20", "code": "E33",
                     "mutatietekst": "Jan Jansen verward aangetroffen",
                     "locatie": { "postcode": "3511 AB" } },
    "beoordeling": { "risico": "high", "verward_gedrag": true } })");
  std::string id;
  const auto reply = send("politie-eenheid-voorbeeld", partners::kMentalHealth,
                          "e33-confused-behaviour", "2", police.dump(), "application/json", &id);
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto received = upstream_.received_with(id);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].header("Content-Type"), kFhir);
  EXPECT_EQ(fhir_validation_errors(received[0].body), std::vector<std::string>{})
      << received[0].body;
  const auto bundle = json::parse(received[0].body);
  const auto& patient = bundle["entry"][0]["resource"];
  EXPECT_EQ(patient["identifier"][0]["system"], "https://schakel.nl/fhir/NamingSystem/pseudoniem");
  EXPECT_EQ(patient["address"][0]["postalCode"], "3511");
  EXPECT_TRUE(patient.contains("_birthDate")) << "an age band, as an extension";
  for (const auto& entry : bundle["entry"]) {
    if (entry["resource"]["resourceType"] == "Patient") continue;
    EXPECT_EQ(entry["resource"]["subject"]["reference"], bundle["entry"][0]["fullUrl"]);
  }
  for (const char* leaked : {"999990019", "Jansen"}) {
    EXPECT_EQ(received[0].all_bytes().find(leaked), std::string::npos) << leaked;
  }
}

TEST_F(FhirFormatTest, HostileFhirIsRefusedWithItsOwnProblemAndNothingIsForwarded) {
  std::string deep = "1";
  for (int i = 0; i < 64; ++i) deep = "[" + deep + "]";
  auto huge = ggz_bundle();
  for (int i = 0; i < 1001; ++i) huge["entry"][0]["resource"]["address"][0]["line"].push_back("x");
  std::string twice = ggz_bundle().dump();
  twice.insert(twice.size() - 1, R"(,"type":"message")");
  auto wrong = ggz_bundle();
  wrong["entry"][0]["resource"]["birthDate"] = true;
  auto unknown = ggz_bundle();
  unknown["entry"][1]["resource"]["resourceType"] = "MedicationRequest";
  auto two_bsn = ggz_bundle();
  two_bsn["entry"][0]["resource"]["identifier"].push_back(
      {{"system", "http://fhir.nl/fhir/NamingSystem/bsn"}, {"value", "111222333"}});
  const std::vector<std::tuple<const char*, std::string, int, const char*>> cases = {
      {"deep nesting", R"({"resourceType": "Patient", "extension": )" + deep + "}", 400,
       "malformed-body"},
      {"a huge array", huge.dump(), 422, "too-many-items"},
      {"a duplicate key", twice, 400, "malformed-body"},
      {"a wrong type", wrong.dump(), 422, "invalid-fhir"},
      {"an unknown resource type", unknown.dump(), 422, "unsupported-resource"},
      {"a Patient with two BSNs", two_bsn.dump(), 422, "invalid-subject"},
      {"canonical JSON as FHIR", read_file(example_message("e33-signal.json")), 422,
       "invalid-fhir"},
  };
  for (const auto& [what, body, status, problem] : cases) {
    std::string id;
    const auto reply = from_ggz(body, &id);
    EXPECT_EQ(reply.status, status) << what << ": " << reply.body;
    EXPECT_EQ(reply.header("Content-Type"), "application/problem+json") << what;
    EXPECT_EQ(reply.json()["type"], std::string("urn:schakel:problem:") + problem) << what;
    EXPECT_TRUE(upstream_.received_with(id).empty()) << what << " was forwarded";
    const auto records = gateway_->decision_records(id);
    ASSERT_EQ(records.size(), 1u) << what;
    EXPECT_EQ(records[0]["outcome"], "refused") << what;
    EXPECT_EQ(reply.body.find("111222333"), std::string::npos) << what;
  }
  std::string id;
  const auto reply = from_ggz(ggz_bundle().dump(), &id, "application/json");
  EXPECT_EQ(reply.status, 415) << "a FHIR partner's Content-Type is application/fhir+json";
  EXPECT_TRUE(upstream_.received_with(id).empty());
}

}  // namespace
}  // namespace schakel::testing
