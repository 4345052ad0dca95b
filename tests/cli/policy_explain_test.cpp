#include "cli/policy_explain.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "policy/loader.hpp"
#include "tests/support/example_policy.hpp"
#include "tests/support/paths.hpp"

namespace schakel::cli {
namespace {

constexpr const char* kPolice = "00000001002345678000";
constexpr const char* kMentalHealth = "00000003003456789000";
constexpr const char* kVeiligThuis = "00000001004567890000";

// On a fixed day, so that generalisations can be pinned exactly.
constexpr calendar::Date kToday = std::chrono::year{2026} / 11 / 25;

nlohmann::json explained(const char* to, int level, const std::string& message) {
  return explain(*testing::example_policy(),
                 {kPolice, to, "e33-confused-behaviour", level, message, kToday});
}

std::string e33_message() {
  return testing::read_file(testing::example_message("e33-signal.json"));
}

TEST(PolicyExplain, NamesTheRuleForEveryFieldAndShowsWhatArrives) {
  const auto out = explained(kMentalHealth, 2, e33_message());
  ASSERT_EQ(out["decision"], "allowed");
  std::map<std::string, nlohmann::json> fields;
  for (const auto& field : out["fields"]) fields[field["field"].get<std::string>()] = field;
  EXPECT_EQ(fields["birth_date"]["action"], "age_band");
  EXPECT_EQ(fields["birth_date"]["rule"],
            "guideline.json#/purposes/e33-confused-behaviour/levels/2/fields/birth_date");
  EXPECT_EQ(fields["diagnosis"]["action"], "drop");
  EXPECT_EQ(fields["diagnosis"]["rule"],
            "guideline.json#/purposes/e33-confused-behaviour/levels/2/fields");
  EXPECT_EQ(fields.size(), 9u) << "one line per field of the message";
  const auto& received = out["recipient_receives"];
  EXPECT_FALSE(received["data"].contains("diagnosis"));
  EXPECT_EQ(received["data"]["postcode"], "3511");
  EXPECT_EQ(received["data"]["birth_date"], "35-44") << "born 1987-03-14: 39 on 2026-11-25";
  EXPECT_TRUE(received["subject"]["pseudonym"].get<std::string>().starts_with("v1."));
  EXPECT_EQ(out.dump().find("999990019"), std::string::npos) << "the BSN leaked into explain";

  const auto text = explain_text(out);
  EXPECT_NE(text.find("ALLOWED: Politie Eenheid Voorbeeld (police) -> GGZ Voorbeeld"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("diagnosis                      drop         "), std::string::npos) << text;
  EXPECT_NE(text.find("dropped by default"), std::string::npos);
}

TEST(PolicyExplain, SaysWhichRuleRefusesAMessage) {
  const auto role = explained(kVeiligThuis, 1, e33_message());
  EXPECT_EQ(role["decision"], "refused");
  EXPECT_EQ(role["problem"], "role-not-permitted");
  EXPECT_EQ(role["rule"], "guideline.json#/purposes/e33-confused-behaviour/recipients");
  EXPECT_NE(explain_text(role).find("REFUSED (403 role-not-permitted)"), std::string::npos);

  auto bad_bsn = nlohmann::json::parse(e33_message());
  bad_bsn["subject"]["bsn"] = "123456789";
  const auto subject = explained(kMentalHealth, 2, bad_bsn.dump());
  EXPECT_EQ(subject["problem"], "invalid-subject");

  auto out = explain(*testing::example_policy(), {"00000000000000000000", kMentalHealth,
                                                  "e33-confused-behaviour", 1, "{}", kToday});
  EXPECT_EQ(out["problem"], "unknown-partner");
}

// One order for explain and the gateway (gateway/evaluation.hpp): the subject
// is resolved before the decision, so a message wrong on both counts is
// refused for its subject by either.
TEST(PolicyExplain, RefusesInTheGatewaysOrder) {
  auto bad_bsn = nlohmann::json::parse(e33_message());
  bad_bsn["subject"]["bsn"] = "123456789";
  const auto both = explained(kVeiligThuis, 1, bad_bsn.dump());
  EXPECT_EQ(both["problem"], "invalid-subject") << both.dump();
  const auto unreadable = explained(kVeiligThuis, 1, "{not json");
  EXPECT_EQ(unreadable["problem"], "malformed-body") << "decode before decide";
}

// Without a level, as the gateway does without Schakel-Level: the lowest the
// region enables (not level 1 when the region has none).
TEST(PolicyExplain, WithoutALevelTakesTheLowestEnabledLikeTheGateway) {
  const auto out =
      explain(*testing::example_policy(), {kPolice, "00000001005678901000", "zvh-case-consultation",
                                           std::nullopt, e33_message(), kToday});
  EXPECT_EQ(out["decision"], "allowed") << out.dump();
  EXPECT_EQ(out["level"], 2) << "the purpose has no level 1: its lowest is 2";
}

// A partner with its own JSON shape (issue 13): explain reads its document in
// that shape, as the gateway does, and shows per field what arrives.
TEST(PolicyExplain, ReadsAMappedSendersOwnShape) {
  testing::TempDir dir;
  auto region = nlohmann::json::parse(testing::read_file(testing::example_region_file()));
  for (auto& partner : region["partners"]) {
    if (partner["oin"] == kPolice) partner["format"] = "mapped-json:politie-json";
  }
  testing::write_file(dir.path() / "region.json", region.dump(2));
  auto policy = policy::load_policy({testing::guideline_file(), dir.path() / "region.json"});
  ASSERT_TRUE(policy.has_value()) << join_lines(policy.error());
  const auto document = R"({
    "betrokkene": { "bsn": "999990019", "geboortedatum": "1987-03-14", "naam": "Jan Jansen" },
    "registratie": { "datum": "2026-11-20", "code": "E33", "locatie": { "postcode": "3511 AB" } },
    "beoordeling": { "risico": "high", "verward_gedrag": true } })";
  const auto out =
      explain(**policy, {kPolice, kMentalHealth, "e33-confused-behaviour", 2, document, kToday});
  ASSERT_EQ(out["decision"], "allowed") << out.dump();
  const auto& received = out["recipient_receives"]["data"];
  EXPECT_EQ(received["postcode"], "3511");
  EXPECT_EQ(received["birth_date"], "35-44");
  EXPECT_EQ(received["incident_code"], "E33");
  EXPECT_EQ(out["unmapped_dropped"], 1) << "the name: counted, never shown";
  EXPECT_NE(explain_text(out).find("1 value(s) of the sender's document that its format maps"),
            std::string::npos);
  EXPECT_EQ(out.dump().find("Jansen"), std::string::npos) << "an unmapped value was shown";
  EXPECT_EQ(out.dump().find("999990019"), std::string::npos);
  // The canonical body is no police document: refused for its subject, as by the gateway.
  const auto canonical = explain(
      **policy, {kPolice, kMentalHealth, "e33-confused-behaviour", 2, e33_message(), kToday});
  EXPECT_EQ(canonical["problem"], "invalid-subject");
}

// A FHIR sender (issue 13): explain reads its Bundle and shows per element
// what the recipient gets, and which elements never leave the gateway.
TEST(PolicyExplain, ShowsPerFhirElementWhatTheRecipientGets) {
  testing::TempDir dir;
  auto region = nlohmann::json::parse(testing::read_file(testing::example_region_file()));
  for (auto& partner : region["partners"]) {
    if (partner["oin"] == kMentalHealth || partner["oin"] == kVeiligThuis) {
      partner["format"] = "application/fhir+json";
    }
  }
  testing::write_file(dir.path() / "region.json", region.dump(2));
  auto policy = policy::load_policy({testing::guideline_file(), dir.path() / "region.json"});
  ASSERT_TRUE(policy.has_value()) << join_lines(policy.error());
  const auto document = R"({"resourceType": "Patient",
    "identifier": [ { "system": "http://fhir.nl/fhir/NamingSystem/bsn", "value": "999990019" } ],
    "name": [ { "family": "Jansen" } ], "telecom": [ { "system": "phone", "value": "0612345678" } ],
    "birthDate": "1987-03-14", "address": [ { "postalCode": "3511 AB", "line": ["Stationsplein 1"] } ] })";
  const auto out = explain(
      **policy, {kMentalHealth, kVeiligThuis, "domestic-violence-report", 1, document, kToday});
  ASSERT_EQ(out["decision"], "allowed") << out.dump();
  bool birth_date = false;
  for (const auto& field : out["fields"]) {
    if (field["field"] != "birth_date") continue;
    birth_date = true;
    EXPECT_EQ(field["sender_element"], "Patient.birthDate");
    EXPECT_EQ(field["recipient_element"], "Patient.birthDate");
    EXPECT_EQ(field["action"], "age_band");
  }
  EXPECT_TRUE(birth_date) << out.dump();
  const auto& dropped = out["dropped_elements"];
  for (const char* element : {"Patient.name", "Patient.telecom", "Patient.address.line"}) {
    EXPECT_NE(std::ranges::find(dropped, element), dropped.end()) << element;
  }
  const auto& patient = out["recipient_receives"]["entry"][0]["resource"];
  EXPECT_EQ(patient["_birthDate"]["extension"][0]["valueString"], "35-44") << patient.dump();
  EXPECT_FALSE(patient.contains("address")) << "level 1 has no postcode";
  const auto text = explain_text(out);
  EXPECT_NE(text.find("from Patient.birthDate"), std::string::npos) << text;
  EXPECT_NE(text.find("dropped, never leaves the gateway: Patient.telecom"), std::string::npos);
  for (const char* value : {"Jansen", "0612345678", "999990019", "Stationsplein"}) {
    EXPECT_EQ(out.dump().find(value), std::string::npos) << value;
  }
}

}  // namespace
}  // namespace schakel::cli
