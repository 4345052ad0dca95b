// Re-identification under control (issue 15) through the real listener: the
// ZVH turns a pseudonym of its own domain back into the BSN under the purpose
// the guideline allows; everyone else, another purpose, a foreign pseudonym,
// the rate limit and a shredded key are refused — and every request, granted
// or refused, is an audit record that the person's access report lists. No
// BSN in the trail, the region's file or the log.
#include <gtest/gtest.h>

#include <sqlite3.h>
#include <ctime>

#include <thread>

#include "audit/query.hpp"
#include "crypto/key_store.hpp"
#include "crypto/pseudonymiser.hpp"
#include "gateway/envelope.hpp"
#include "inzage/report.hpp"
#include "tests/support/client.hpp"
#include "tests/support/example_policy.hpp"
#include "tests/support/peers.hpp"
#include "tests/support/test_gateway.hpp"

namespace schakel::testing {
namespace {

using nlohmann::json;

constexpr const char* kPerson = "999990019";
constexpr const char* kOtherPerson = "111222333";

class ReidentifyTest : public ::testing::Test {
 protected:
  // The pseudonym `recipient` got for `bsn` in a message from the police under `purpose`.
  std::string pseudonym_sent_to(const char* recipient, const char* purpose, const char* bsn) {
    std::string id;
    const auto request = message_request(
        recipient, purpose, "2",
        json{{"subject", {{"bsn", bsn}}}, {"data", {{"postcode", "1234AB"}}}}.dump(), &id);
    auto reply = tls_request(gateway_.port(), partner_cert("politie-eenheid-voorbeeld"), request);
    EXPECT_TRUE(reply && reply->status == 200) << (reply ? reply->body : reply.error());
    const auto received = upstream_.received_with(id);
    if (received.size() != 1) {
      ADD_FAILURE() << "the message did not arrive once";
      return {};
    }
    return json::parse(received[0].body)["subject"]["pseudonym"].get<std::string>();
  }
  HttpResult reidentify(const char* partner_id, const std::string& pseudonym,
                        const char* purpose = "zvh-case-consultation") {
    HttpRequest request{"POST",
                        "/v1/reidentify",
                        {{"Content-Type", "application/json"}},
                        json{{"pseudonym", pseudonym}, {"purpose", purpose}}.dump()};
    auto reply = tls_request(gateway_.port(), partner_cert(partner_id), request);
    EXPECT_TRUE(reply.has_value()) << reply.error();
    return reply.value_or(HttpResult{});
  }
  // Entries in the escrow (kept on the region's thread after the message's record).
  std::int64_t escrow_entries() {
    sqlite3* db = nullptr;
    const auto file = gateway_.settings().data_dir / "region.sqlite";
    std::int64_t count = -1;
    if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_stmt* statement = nullptr;
      if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM escrow", -1, &statement, nullptr) ==
              SQLITE_OK &&
          sqlite3_step(statement) == SQLITE_ROW) {
        count = sqlite3_column_int64(statement, 0);
      }
      sqlite3_finalize(statement);
    }
    sqlite3_close(db);
    return count;
  }
  void await_escrow_entries(std::int64_t wanted) {
    for (int i = 0; i < 200 && escrow_entries() < wanted; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    ASSERT_EQ(escrow_entries(), wanted);
  }
  std::vector<json> records() const { return gateway_.records_of_kind("reidentification"); }
  static std::string token_in(const json& record) {
    return record["attributes"]["dpl.core.data_subject_id"].get<std::string>();
  }
  std::vector<std::string> tokens_of(const char* bsn) const {
    auto keys = crypto::KeyStore::load(gateway_.settings().keys_dir);
    const crypto::Pseudonymiser pseudonymiser(*keys);
    return pseudonymiser.audit_tokens(pseudonymiser.subject_of_bsn(bsn));
  }

  TlsUpstream upstream_;
  SilentPeer silent_;
  TestGateway gateway_{
      PeerPorts{upstream_.port(), silent_.port(), closed_port()},
      [](gateway::Settings& settings) { settings.limits.reidentifications_per_hour = 3; }};
};

TEST_F(ReidentifyTest, TheZvhGetsTheBsnBackUnderItsPurposeAndTheRecordSaysSo) {
  const std::string pseudonym = pseudonym_sent_to(partners::kZvh, "zvh-case-consultation", kPerson);
  ASSERT_FALSE(pseudonym.empty());
  await_escrow_entries(1);
  auto granted = reidentify("zvh-voorbeeld", pseudonym);
  ASSERT_EQ(granted.status, 200) << granted.body;
  EXPECT_EQ(granted.json()["bsn"], kPerson);
  EXPECT_EQ(granted.header("Cache-Control"), "no-store");
  const auto recorded = records();
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(recorded[0]["outcome"], "granted");
  EXPECT_EQ(recorded[0]["sender"], partners::kZvh);
  EXPECT_EQ(recorded[0]["purpose"], "zvh-case-consultation");
  const auto tokens = tokens_of(kPerson);
  EXPECT_NE(std::find(tokens.begin(), tokens.end(), token_in(recorded[0])), tokens.end())
      << "the record names the person by audit token";
  // The same person in another message leaves no second entry; another person does.
  pseudonym_sent_to(partners::kZvh, "zvh-case-consultation", kPerson);
  pseudonym_sent_to(partners::kZvh, "zvh-case-consultation", kOtherPerson);
  await_escrow_entries(2);
  gateway_.stop();
  const std::string written = gateway_.everything_written();
  EXPECT_EQ(written.find(kPerson), std::string::npos) << "no BSN in clear, escrow included";
  EXPECT_EQ(written.find(kOtherPerson), std::string::npos);
  EXPECT_EQ(gateway_.log().find(kPerson), std::string::npos);
}

TEST_F(ReidentifyTest, TheGuidelineRefusesOtherRolesAndPurposesAndEachRefusalIsRecorded) {
  const std::string for_ggz =
      pseudonym_sent_to(partners::kMentalHealth, "e33-confused-behaviour", kPerson);
  const std::string for_zvh = pseudonym_sent_to(partners::kZvh, "zvh-case-consultation", kPerson);
  await_escrow_entries(1);

  auto role = reidentify("ggz-voorbeeld", for_ggz);  // mental health may not, under any purpose
  EXPECT_EQ(role.status, 403) << role.body;
  EXPECT_EQ(role.json()["type"], "urn:schakel:problem:role-not-permitted");
  EXPECT_EQ(role.json()["rule"], "guideline.json#/purposes/zvh-case-consultation/reidentification");
  auto purpose = reidentify("zvh-voorbeeld", for_zvh, "e33-confused-behaviour");
  EXPECT_EQ(purpose.status, 403);
  EXPECT_EQ(purpose.json()["rule"], "guideline.json#/purposes/e33-confused-behaviour")
      << "refused by default: the purpose names nobody";
  auto foreign = reidentify("zvh-voorbeeld", for_ggz);  // not of the caller's domain
  EXPECT_EQ(foreign.status, 422);
  EXPECT_EQ(foreign.json()["type"], "urn:schakel:problem:unknown-pseudonym");
  auto unknown = reidentify("zvh-voorbeeld", for_zvh, "no-such-purpose");
  EXPECT_EQ(unknown.status, 403);
  EXPECT_EQ(unknown.json()["type"], "urn:schakel:problem:purpose-not-permitted");
  for (const auto& reply : {role, purpose, foreign, unknown}) {
    EXPECT_EQ(reply.body.find(kPerson), std::string::npos);
    EXPECT_FALSE(reply.json().contains("bsn"));
  }

  const auto recorded = records();
  ASSERT_EQ(recorded.size(), 4u);
  std::vector<std::string> problems;
  for (const auto& record : recorded) {
    EXPECT_EQ(record["outcome"], "refused");
    problems.push_back(record["problem"].get<std::string>());
  }
  EXPECT_EQ(problems, (std::vector<std::string>{"role-not-permitted", "role-not-permitted",
                                                "unknown-pseudonym", "purpose-not-permitted"}));
  EXPECT_FALSE(token_in(recorded[0]).empty());
  EXPECT_TRUE(token_in(recorded[2]).empty()) << "a foreign pseudonym names nobody";
  EXPECT_EQ(recorded[3]["purpose"], "") << "no text of the request in the trail";
}

TEST_F(ReidentifyTest, ThePartnersRateIsLimitedAndTheLimitIsRecorded) {
  const std::string pseudonym = pseudonym_sent_to(partners::kZvh, "zvh-case-consultation", kPerson);
  await_escrow_entries(1);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(reidentify("zvh-voorbeeld", pseudonym).status, 200) << i;
  auto limited = reidentify("zvh-voorbeeld", pseudonym);
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_FALSE(limited.header("Retry-After").empty());
  EXPECT_EQ(limited.json()["rule"], "schakel.json#/limits/reidentifications_per_hour");
  const auto recorded = records();
  ASSERT_EQ(recorded.size(), 4u);
  EXPECT_EQ(recorded[3]["problem"], "rate-limited");
  EXPECT_FALSE(token_in(recorded[0]).empty());
  EXPECT_EQ(token_in(recorded[3]), token_in(recorded[0]));
}

TEST_F(ReidentifyTest, ShreddingTheKeyEndsReidentificationInTheRunningGatewayForGood) {
  const std::string pseudonym = pseudonym_sent_to(partners::kZvh, "zvh-case-consultation", kPerson);
  await_escrow_entries(1);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(reidentify("zvh-voorbeeld", pseudonym).status, 200);
  ASSERT_EQ(reidentify("zvh-voorbeeld", pseudonym).status, 429) << "the rate is used up";
  auto shredded = crypto::KeyStore::shred_reidentification(gateway_.settings().keys_dir);
  ASSERT_TRUE(shredded.has_value()) << shredded.error();
  EXPECT_TRUE(*shredded);
  auto ended = reidentify("zvh-voorbeeld", pseudonym);
  EXPECT_EQ(ended.status, 410) << "gone for good, not a rate to wait for: " << ended.body;
  EXPECT_TRUE(ended.header("Retry-After").empty());
  EXPECT_EQ(ended.json()["type"], "urn:schakel:problem:reidentification-ended");
  EXPECT_EQ(records().back()["problem"], "reidentification-ended");
  pseudonym_sent_to(partners::kZvh, "zvh-case-consultation", kOtherPerson);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(escrow_entries(), 1) << "nothing is kept once it ended";
  EXPECT_FALSE(std::filesystem::exists(gateway_.settings().keys_dir / "reidentification.key"));
  auto keys = crypto::KeyStore::load(gateway_.settings().keys_dir);
  ASSERT_TRUE(keys.has_value());
  EXPECT_EQ(keys->reidentification_key(), nullptr) << "a restart makes no new key";
}

// A certificate of the region's CA that is no partner is refused and
// recorded (its OIN named) at the stranger's rate, then throttled without a
// record, as on /v1/messages: nobody floods the trail through this route.
TEST_F(ReidentifyTest, AStrangerIsThrottledHereAsOnEveryRoute) {
  int refused = 0, throttled = 0;
  for (int i = 0; i < 30; ++i) {
    HttpRequest request{"POST",
                        "/v1/reidentify",
                        {{"Content-Type", "application/json"}},
                        R"({"pseudonym":"v1.x","purpose":"zvh-case-consultation"})"};
    auto reply = tls_request(gateway_.port(), cert_named("unknown-partner"), request);
    ASSERT_TRUE(reply.has_value()) << reply.error();
    refused += reply->status == 403;
    throttled += reply->status == 429;
  }
  EXPECT_EQ(refused + throttled, 30);
  EXPECT_GE(throttled, 15);
  const auto recorded = records();
  EXPECT_EQ(recorded.size(), static_cast<std::size_t>(refused));
  ASSERT_FALSE(recorded.empty());
  EXPECT_EQ(recorded[0]["sender"].get<std::string>().size(), 20u) << "the stranger's OIN";
}

TEST_F(ReidentifyTest, ThePersonsAccessReportListsEveryRequestGrantedOrRefused) {
  const std::string for_zvh = pseudonym_sent_to(partners::kZvh, "zvh-case-consultation", kPerson);
  const std::string for_ggz =
      pseudonym_sent_to(partners::kMentalHealth, "e33-confused-behaviour", kPerson);
  await_escrow_entries(1);
  ASSERT_EQ(reidentify("zvh-voorbeeld", for_zvh).status, 200);
  ASSERT_EQ(reidentify("ggz-voorbeeld", for_ggz).status, 403);
  gateway_.stop();
  audit::QueryFilter by_person;
  by_person.subject_tokens = tokens_of(kPerson);
  auto found = audit::query_records(gateway_.trail_dir(), by_person);
  ASSERT_TRUE(found.has_value()) << found.error();
  const auto built = inzage::build_report({*example_policy(),
                                           *found,
                                           static_cast<std::int64_t>(std::time(nullptr)),
                                           {},
                                           inzage::Audience::kPerson});
  ASSERT_TRUE(built) << built.error();
  std::vector<nlohmann::json> asked;
  for (const auto& item : built->json["verwerkingsacties"]) {
    if (item["soort"] == "reidentification") asked.push_back(item);
  }
  ASSERT_EQ(asked.size(), 2u) << built->json.dump();
  EXPECT_EQ(asked[0]["actieNaam"], "BSN opgevraagd bij een pseudoniem: verstrekt");
  EXPECT_EQ(asked[0]["uitvoerder"], partners::kZvh);
  EXPECT_EQ(asked[1]["actieNaam"], "BSN opgevraagd bij een pseudoniem: geweigerd");
  const auto html = inzage::report_html(built->json);
  EXPECT_NE(html.find("BSN opgevraagd bij een pseudoniem"), std::string::npos);
  EXPECT_EQ(html.find(kPerson), std::string::npos);
}

}  // namespace
}  // namespace schakel::testing
