// A partner connected by configuration only (issue 13): the police sends its
// own JSON shape, the mental-health provider receives the municipality's
// shape — both described in the region file, minimised between them.
#include <gtest/gtest.h>

#include "tests/support/client.hpp"
#include "tests/support/peers.hpp"
#include "tests/support/test_gateway.hpp"

namespace schakel::testing {
namespace {

using nlohmann::json;

const json kPoliceDocument = json::parse(R"({
  "betrokkene": { "bsn": "999990019", "geboortedatum": "1987-03-14", "naam": "Jan Jansen" },
  "registratie": { "datum": "2026-11-20", "code": "E33",
                   "mutatietekst": "Verward aangetroffen, belde vanaf 06-12345678.",
                   "locatie": { "postcode": "3511 AB", "straat": "Stationsplein 1" } },
  "beoordeling": { "risico": "high", "verward_gedrag": true },
  "intern": { "dossiernummer": "PL-2026-0042" }
})");

class MappedFormatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gateway_ = std::make_unique<TestGateway>(
        PeerPorts{upstream_.port(), silent_.port(), closed_port()}, [](gateway::Settings& s) {
          auto region = json::parse(read_file(s.region));
          for (auto& partner : region["partners"]) {
            if (partner["id"] == "politie-eenheid-voorbeeld") {
              partner["format"] = "mapped-json:politie-json";
            }
            if (partner["id"] == "ggz-voorbeeld") partner["format"] = "mapped-json:gemeente-json";
          }
          write_file(s.region, region.dump(2));
        });
  }

  HttpResult send(const json& document, std::string* id, const char* type = "application/json") {
    HttpRequest request = e33_request(partners::kMentalHealth, "2", id);
    request.body = document.dump();
    for (auto& [name, value] : request.headers) {
      if (name == "Content-Type") value = type;
    }
    auto reply = tls_request(gateway_->port(), partner_cert("politie-eenheid-voorbeeld"), request);
    EXPECT_TRUE(reply.has_value()) << reply.error();
    return reply.value_or(HttpResult{});
  }

  TlsUpstream upstream_;
  SilentPeer silent_;
  std::unique_ptr<TestGateway> gateway_;
};

TEST_F(MappedFormatTest, ThePoliceShapeArrivesInTheRecipientsShapeMinimised) {
  std::string id;
  const auto reply = send(kPoliceDocument, &id);
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto received = upstream_.received_with(id);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].header("Content-Type"), "application/json");
  const auto body = json::parse(received[0].body);
  // The municipality's shape holds the subject, the postcode and the risk;
  // level 2 of the E33 purpose turns the birth date into an age band, which
  // this shape has a place for too.
  EXPECT_TRUE(body["inwoner"]["pseudoniem"].get<std::string>().starts_with("v1."));
  EXPECT_FALSE(body["inwoner"].contains("bsn"));
  EXPECT_EQ(body["inwoner"]["adres"]["postcode"], "3511");
  EXPECT_EQ(body["hulpvraag"]["urgentie"], "high");
  EXPECT_EQ(body["inwoner"]["geboortedatum"].get<std::string>().size(), 5u) << "an age band";
  const std::string all = received[0].all_bytes();
  for (const char* leaked : {"999990019", "Jansen", "Stationsplein", "PL-2026", "06-12345678"}) {
    EXPECT_EQ(all.find(leaked), std::string::npos) << leaked << " reached the recipient";
  }
  const auto records = gateway_->decision_records(id);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["details"]["unmapped_dropped"], "3") << records[0].dump();
  EXPECT_EQ(records[0].dump().find("naam"), std::string::npos) << "a dropped path was named";
}

TEST_F(MappedFormatTest, TheSendersShapeDecidesAndItsContentTypeMustMatch) {
  std::string id;
  auto canonical = json::parse(read_file(example_message("e33-signal.json")));
  auto reply = send(canonical, &id);
  EXPECT_EQ(reply.status, 422) << "a canonical body is no police document: " << reply.body;
  EXPECT_EQ(reply.json()["type"], "urn:schakel:problem:invalid-subject");
  EXPECT_TRUE(upstream_.received_with(id).empty());
  reply = send(kPoliceDocument, &id, "application/fhir+json");
  EXPECT_EQ(reply.status, 415) << reply.body;
  EXPECT_TRUE(upstream_.received_with(id).empty());
}

TEST_F(MappedFormatTest, TwoIdentitiesInOneDocumentAreRefusedAndNothingIsForwarded) {
  auto two = kPoliceDocument;
  two["betrokkene"]["pseudoniem"] = "v1.AAAA.BBBB";
  std::string id;
  const auto reply = send(two, &id);
  EXPECT_EQ(reply.status, 422) << reply.body;
  EXPECT_EQ(reply.json()["type"], "urn:schakel:problem:invalid-subject");
  EXPECT_TRUE(upstream_.received_with(id).empty());
  const auto records = gateway_->decision_records(id);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["outcome"], "refused");
}

}  // namespace
}  // namespace schakel::testing
