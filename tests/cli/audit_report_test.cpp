// What a privacy officer gets from the trail of a known set of exchanges:
// query by person and partner, and the person's inzage from real records.
#include <gtest/gtest.h>

#include <ctime>

#include <set>
#include <thread>

#include "audit/query.hpp"
#include "cli/audit_report.hpp"
#include "crypto/pseudonymiser.hpp"
#include "inzage/report.hpp"
#include "tests/support/client.hpp"
#include "tests/support/example_policy.hpp"
#include "tests/support/peers.hpp"
#include "tests/support/test_gateway.hpp"

namespace schakel::testing {
namespace {

constexpr const char* kPersonA = "999990019";
constexpr const char* kPersonB = "111222333";

class AuditReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gateway_.emplace(PeerPorts{upstream_.port(), silent_.port(), closed_port()});
    ASSERT_EQ(send(kPersonA, partners::kMentalHealth, "2"), 200);
    ASSERT_EQ(send(kPersonA, partners::kMunicipality, "1"), 200);
    ASSERT_EQ(send(kPersonA, partners::kVeiligThuis, "2"), 403);
    ASSERT_EQ(send(kPersonB, partners::kMentalHealth, "2"), 200);
    // The region's work about person A: two signals that match, a case at the ZVH.
    ASSERT_EQ(post("politie-eenheid-voorbeeld", "/v1/signals", signal_of(kPersonA)), 201);
    ASSERT_EQ(post("ggz-voorbeeld", "/v1/signals", signal_of(kPersonA)), 201);
    ASSERT_EQ(post("zvh-voorbeeld", "/v1/cases",
                   {{"subject", {{"bsn", kPersonA}}},
                    {"purpose", "zvh-case-consultation"},
                    {"level", 2},
                    {"participants", nlohmann::json::array({{{"partner", partners::kPolice}}})}}),
              201);
    for (int i = 0; i < 200 && gateway_->records_of_kind("match").empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the notifier records it
    }
    gateway_->stop();  // every delivery record written
  }

  int send(const char* bsn, const char* recipient, const char* level) {
    auto body = nlohmann::json::parse(read_file(example_message("e33-signal.json")));
    body["subject"]["bsn"] = bsn;
    HttpRequest request;
    request.headers = {{"Content-Type", "application/json"},
                       {"Schakel-Recipient", recipient},
                       {"Schakel-Purpose", "e33-confused-behaviour"},
                       {"Schakel-Level", level}};
    request.body = body.dump();
    auto reply = tls_request(gateway_->port(), partner_cert("politie-eenheid-voorbeeld"), request);
    return reply ? reply->status : 0;
  }

  static nlohmann::json signal_of(const char* bsn) {
    return {{"subject", {{"bsn", bsn}}}, {"purpose", "zvh-case-consultation"}};
  }

  int post(const char* partner_id, const char* path, nlohmann::json body) {
    if (body.contains("purpose") && !body.contains("level")) {
      body["contact"] = std::string("team@") + partner_id + ".example";
    }
    HttpRequest request{"POST", path, {{"Content-Type", "application/json"}}, body.dump()};
    auto reply = tls_request(gateway_->port(), partner_cert(partner_id), request);
    return reply ? reply->status : 0;
  }

  std::vector<std::string> tokens_of(const char* bsn) {
    auto keys = crypto::KeyStore::load(gateway_->settings().keys_dir);
    const crypto::Pseudonymiser pseudonymiser(*keys);
    return pseudonymiser.audit_tokens(pseudonymiser.subject_of_bsn(bsn));
  }

  std::vector<audit::QueriedRecord> query(audit::QueryFilter filter) {
    auto records = audit::query_records(gateway_->trail_dir(), filter);
    EXPECT_TRUE(records.has_value()) << records.error();
    return records.value_or(std::vector<audit::QueriedRecord>{});
  }

  TlsUpstream upstream_;
  SilentPeer silent_;
  std::optional<TestGateway> gateway_;
};

TEST_F(AuditReportTest, QueryByPersonFindsOnlyThatPersonsRecords) {
  audit::QueryFilter by_person;
  by_person.subject_tokens = tokens_of(kPersonA);
  const auto records = query(by_person);
  int decisions = 0, deliveries = 0;
  for (const auto& record : records) {
    const auto kind = record.body["kind"].get<std::string>();
    decisions += kind == "decision";
    deliveries += kind == "delivery";
    EXPECT_EQ(record.body.dump().find(kPersonA), std::string::npos) << "a BSN in the trail";
  }
  EXPECT_EQ(decisions, 3);
  EXPECT_EQ(deliveries, 2);

  audit::QueryFilter refused = by_person;
  refused.outcome = "refused";
  ASSERT_EQ(query(refused).size(), 1u);
  EXPECT_EQ(query(refused)[0].body["recipient"], partners::kVeiligThuis);
}

TEST_F(AuditReportTest, QueryByPartnerAndPurposeSpansPersons) {
  audit::QueryFilter filter;
  filter.partner = partners::kMentalHealth;
  filter.outcome = "allowed";
  filter.purpose = "e33-confused-behaviour";
  EXPECT_EQ(query(filter).size(), 2u) << "persons A and B, one decision each";
  filter.purpose = "domestic-violence-report";
  EXPECT_TRUE(query(filter).empty());
}

// The person's inzage (inzage/report.hpp) from the records the gateway
// really wrote: recipients by name, purpose in Dutch, bases, categories and
// how fields were shared; the refusal counted; no BSN in the page.
TEST_F(AuditReportTest, AccessReportNamesRecipientsPurposesBasesAndCategories) {
  audit::QueryFilter by_person;
  by_person.subject_tokens = tokens_of(kPersonA);
  const auto records = query(by_person);
  const auto built = inzage::build_report({*example_policy(),
                                           records,
                                           static_cast<std::int64_t>(std::time(nullptr)),
                                           {},
                                           inzage::Audience::kPerson});
  ASSERT_TRUE(built) << built.error();
  const auto& report = built->json;
  std::set<std::string> recipients;
  int exchanges = 0;
  for (const auto& item : report["verwerkingsacties"]) {
    if (item["soort"] != "decision") continue;
    ++exchanges;
    recipients.insert(item["afnemerId"].get<std::string>());
    EXPECT_TRUE(item["afgeleverd"].get<bool>());
    EXPECT_EQ(item["verwerkingNaam"],
              "Signaal na een politiemelding over iemand met verward gedrag (E33)");
    EXPECT_FALSE(item["grondslagen"].empty());
    EXPECT_EQ(item["onderwerp"], "BSN vervangen door een pseudoniem");
    std::set<std::string> categories;
    for (const auto& category : item["verwerkteSoortenGegevens"]) {
      categories.insert(category["soortGegeven"].get<std::string>());
    }
    // Level 2 passes mental_health_concern; level 1 drops every health field.
    const bool level_two = item["afnemerId"] == partners::kMentalHealth;
    EXPECT_EQ(categories.contains("Gezondheidsgegevens"), level_two) << item.dump();
    EXPECT_TRUE(categories.contains("Gegevens over het incident")) << item.dump();
  }
  EXPECT_EQ(exchanges, 2);
  EXPECT_EQ(report["geweigerdeVerzoeken"], 1);
  EXPECT_EQ(recipients, (std::set<std::string>{partners::kMentalHealth, partners::kMunicipality}));

  const auto html = inzage::report_html(report);
  EXPECT_NE(html.find("<table>"), std::string::npos);
  EXPECT_NE(html.find("Gemeente Voorbeeldstad"), std::string::npos);
  EXPECT_NE(html.find("Geweigerde verzoeken om gegevens over u (er is niets gedeeld): 1"),
            std::string::npos);
  EXPECT_EQ(html.find(kPersonA), std::string::npos);
}

TEST_F(AuditReportTest, AccessReportListsTheSignalsMatchesAndCasesAboutThePerson) {
  const auto report_of = [&](const char* person) {
    audit::QueryFilter by_person;
    by_person.subject_tokens = tokens_of(person);
    const auto records = query(by_person);
    auto built = inzage::build_report({*example_policy(),
                                       records,
                                       static_cast<std::int64_t>(std::time(nullptr)),
                                       {},
                                       inzage::Audience::kPerson});
    EXPECT_TRUE(built) << built.error();
    return built ? built->json : nlohmann::json();
  };
  const auto report = report_of(kPersonA);
  std::multiset<std::string> seen;
  for (const auto& item : report["verwerkingsacties"])
    seen.insert(item["soort"].get<std::string>());
  EXPECT_EQ(seen.count("signal"), 2u) << report.dump();
  EXPECT_EQ(seen.count("match"), 1u);
  EXPECT_EQ(seen.count("case"), 1u);
  const auto html = inzage::report_html(report);
  EXPECT_NE(html.find("Een andere partner is ook betrokken (match)"), std::string::npos);
  EXPECT_NE(html.find("GGZ Voorbeeld"), std::string::npos);

  const auto other = report_of(kPersonB);
  for (const auto& item : other["verwerkingsacties"]) {
    EXPECT_EQ(item["soort"], "decision") << "person B has no region work: " << item.dump();
  }
}

}  // namespace
}  // namespace schakel::testing
