// POST /v1/inzage through the real interfaces (issue 19): the region's
// portal asks with a BSN in the body and gets, in Dutch, the exchanges the
// person may see now — a visible one at once, a deferred one only after its
// date (the gateway's injected clock), a withheld one and one awaiting the
// prosecutor's release never; another partner is refused; every request is
// an "inzage" record (token and counts, no BSN) that the next inzage lists;
// no BSN in the gateway's log or anything it wrote.
#include <gtest/gtest.h>

#include <atomic>
#include <ctime>
#include <set>

#include "gateway/envelope.hpp"
#include "tests/support/client.hpp"
#include "tests/support/peers.hpp"
#include "tests/support/test_gateway.hpp"

namespace schakel::testing {
namespace {

using nlohmann::json;

constexpr const char* kPerson = "999990019";
constexpr std::int64_t kDay = 86'400;

class InzageTest : public ::testing::Test {
 protected:
  // A message from the police about kPerson; its transaction id.
  std::string send(const char* recipient, const char* purpose) {
    std::string id;
    const auto request = message_request(
        recipient, purpose, "1",
        json{{"subject", {{"bsn", kPerson}}}, {"data", {{"incident_date", "2026-11-20"}}}}.dump(),
        &id);
    auto reply = tls_request(gateway_.port(), partner_cert("politie-eenheid-voorbeeld"), request);
    EXPECT_TRUE(reply.has_value()) << reply.error();
    // Veilig Thuis's endpoint is closed in the test region: decided, not delivered (502).
    EXPECT_TRUE(reply && (reply->status == 200 || reply->status == 502))
        << purpose << ": " << (reply ? reply->body : "");
    return id;
  }
  HttpResult inzage(const char* partner_id, const std::string& body) {
    HttpRequest request{"POST", "/v1/inzage", {{"Content-Type", "application/json"}}, body};
    auto reply = tls_request(gateway_.port(), partner_cert(partner_id), request);
    EXPECT_TRUE(reply.has_value()) << reply.error();
    return reply.value_or(HttpResult{});
  }
  HttpResult portal_asks() {
    return inzage("inzageportaal-voorbeeld", json{{"bsn", kPerson}}.dump());
  }
  static std::set<std::string> shown(const HttpResult& reply, const char* kind) {
    std::set<std::string> ids;
    const json report = reply.json();
    for (const auto& item : report["verwerkingsacties"]) {
      if (item["soort"] == kind) ids.insert(item["actieId"].get<std::string>());
    }
    return ids;
  }

  TlsUpstream upstream_;
  std::atomic<std::int64_t> now_{static_cast<std::int64_t>(std::time(nullptr))};
  TestGateway gateway_{
      {upstream_.port(), closed_port(), closed_port()},
      [this](gateway::Settings& settings) { settings.clock = [this] { return now_.load(); }; }};
};

TEST_F(InzageTest, ThePortalSeesWhatThePersonMaySeeNowInDutch) {
  const auto visible = send(partners::kMentalHealth, "e33-confused-behaviour");
  const auto deferred = send(partners::kVeiligThuis, "domestic-violence-report");
  const auto until_released = send(partners::kProsecutor, "criminal-case-referral");
  const auto withheld = send(partners::kMunicipality, "radicalisation-signal");

  const auto first = portal_asks();
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.header("Cache-Control"), "no-store");
  EXPECT_EQ(shown(first, "decision"), std::set<std::string>{visible}) << first.body;
  const json first_report = first.json();
  const auto& item = first_report["verwerkingsacties"][0];
  EXPECT_EQ(item["verwerkingNaam"],
            "Signaal na een politiemelding over iemand met verward gedrag (E33)");
  EXPECT_EQ(item["afnemerNaam"], "GGZ Voorbeeld");
  EXPECT_EQ(item["onderwerp"], "BSN vervangen door een pseudoniem");
  EXPECT_NE(item["tijdstip"].get<std::string>().find("+0"), std::string::npos) << "local time";
  EXPECT_FALSE(first_report.contains("achtergehouden"))
      << "the person is not told what is kept back";

  now_ += 91 * kDay;  // past Veilig Thuis's 90 days
  const auto later = portal_asks();
  ASSERT_EQ(later.status, 200) << later.body;
  EXPECT_EQ(shown(later, "decision"), (std::set<std::string>{visible, deferred}));
  EXPECT_EQ(shown(later, "inzage").size(), 1u) << "the first inzage is an item of the next";
  EXPECT_FALSE(shown(later, "decision").contains(until_released));
  EXPECT_FALSE(shown(later, "decision").contains(withheld));

  gateway_.stop();
  const auto records = gateway_.records_of_kind("inzage");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0]["outcome"], "answered");
  EXPECT_EQ(records[0]["details"]["shown"], "1");
  EXPECT_EQ(records[0]["details"]["held_back"], "3");
  EXPECT_EQ(records[1]["details"]["held_back"], "2");
  EXPECT_FALSE(records[0]["attributes"]["dpl.core.data_subject_id"].get<std::string>().empty());
  // Each decision keeps the inzage rule in force (no later change of the region undoes it).
  for (const auto& decision : gateway_.decision_records(withheld)) {
    EXPECT_EQ(decision["details"]["inzage"], "withheld");
  }
  for (const auto& decision : gateway_.decision_records(until_released)) {
    EXPECT_EQ(decision["details"]["inzage_released_by"], "prosecutor");
  }
  EXPECT_EQ(gateway_.log().find(kPerson), std::string::npos) << "the BSN in the log";
  EXPECT_EQ(gateway_.everything_written().find(kPerson), std::string::npos) << "the BSN written";
}

TEST_F(InzageTest, AReferralShowsOnceTheProsecutorReleasesItAndNobodyElseCan) {
  const auto referral = send(partners::kProsecutor, "criminal-case-referral");
  const auto other = send(partners::kMentalHealth, "e33-confused-behaviour");
  const auto release = [&](const char* partner_id, const std::string& id) {
    HttpRequest request{"POST",
                        "/v1/inzage/releases",
                        {{"Content-Type", "application/json"}},
                        json{{"transaction_id", id}}.dump()};
    auto reply = tls_request(gateway_.port(), partner_cert(partner_id), request);
    EXPECT_TRUE(reply.has_value()) << reply.error();
    return reply.value_or(HttpResult{});
  };
  EXPECT_EQ(release("politie-eenheid-voorbeeld", referral).status, 403) << "the sender's role";
  EXPECT_EQ(release("veilig-thuis-voorbeeld", referral).status, 404) << "not its exchange";
  EXPECT_EQ(release("om-parket-voorbeeld", other).status, 404) << "not its exchange";
  EXPECT_EQ(shown(portal_asks(), "decision"), std::set<std::string>{other});

  const auto released = release("om-parket-voorbeeld", referral);
  ASSERT_EQ(released.status, 200) << released.body;
  EXPECT_EQ(released.json()["released"], referral);
  const auto after = portal_asks();
  EXPECT_EQ(shown(after, "decision"), (std::set<std::string>{other, referral}));
  const json report = after.json();
  for (const auto& item : report["verwerkingsacties"]) {
    if (item["actieId"] == referral) {
      EXPECT_EQ(item["vertrouwelijkheid"], "opgeheven");
    }
  }
  gateway_.stop();
  const auto records = gateway_.records_of_kind("inzage-release");
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[3]["outcome"], "released");
  EXPECT_EQ(records[3]["details"]["released"], referral);
  EXPECT_EQ(records[0]["outcome"], "refused");
}

TEST_F(InzageTest, OnlyThePortalMayAsk) {
  const auto reply = inzage("politie-eenheid-voorbeeld", json{{"bsn", kPerson}}.dump());
  EXPECT_EQ(reply.status, 403) << reply.body;
  EXPECT_EQ(reply.json()["type"], "urn:schakel:problem:role-not-permitted");
  gateway_.stop();
  const auto records = gateway_.records_of_kind("inzage");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["outcome"], "refused");
  EXPECT_EQ(records[0]["sender"], partners::kPolice);
}

TEST_F(InzageTest, ABsnThatFailsTheElevenCheckOrAnyOtherBodyIsRefused) {
  EXPECT_EQ(inzage("inzageportaal-voorbeeld", json{{"bsn", "123456789"}}.dump()).status, 422);
  EXPECT_EQ(inzage("inzageportaal-voorbeeld", json{{"bsn", kPerson}, {"name", "x"}}.dump()).status,
            400);
  EXPECT_EQ(inzage("inzageportaal-voorbeeld", "{\"bsn\": 999990019}").status, 400);
  EXPECT_EQ(inzage("inzageportaal-voorbeeld", "").status, 400);
}

}  // namespace
}  // namespace schakel::testing
