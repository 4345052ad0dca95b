// Case consultations at the ZVH through the real listener (issue 14): the
// director opens a case and invites participants, every participant reads the
// overview under its own pseudonym of the person, a non-participant gets 404
// (audited), the level goes up and down with a redacted reason, actions and
// decisions are recorded, a closed case takes no change; every step in the
// trail, no BSN anywhere the gateway writes.
#include <gtest/gtest.h>

#include <thread>

#include "gateway/envelope.hpp"
#include "tests/support/client.hpp"
#include "tests/support/peers.hpp"
#include "tests/support/test_gateway.hpp"
#include "tests/support/trail_lock.hpp"

namespace schakel::testing {
namespace {

using nlohmann::json;

constexpr const char* kBsn = "999990019";

class CasesTest : public ::testing::Test {
 protected:
  HttpResult call(const char* partner_id, const char* method, const std::string& path,
                  const json& body = nullptr) {
    HttpRequest request{method, path, {}, body.is_null() ? "" : body.dump()};
    if (!body.is_null()) request.headers.emplace_back("Content-Type", "application/json");
    auto reply = tls_request(gateway_.port(), partner_cert(partner_id), request);
    EXPECT_TRUE(reply.has_value()) << reply.error();
    return reply.value_or(HttpResult{});
  }

  std::string open_case() {
    auto opened =
        call("zvh-voorbeeld", "POST", "/v1/cases",
             {{"subject", {{"bsn", kBsn}}},
              {"purpose", "zvh-case-consultation"},
              {"level", 2},
              {"participants", json::array({{{"partner", partners::kPolice}},
                                            {{"partner", partners::kMentalHealth},
                                             {"contact", "team@ggz-voorbeeld.example"}}})}});
    EXPECT_EQ(opened.status, 201) << opened.body;
    return opened.json().value("case", "");
  }

  // The case notifications the upstream has received (polls up to 10 s for `count`).
  std::vector<Received> case_notifications(std::size_t count) {
    std::vector<Received> told;
    for (int i = 0; i < 200; ++i) {
      told.clear();
      for (auto& received : upstream_.received()) {
        if (received.header("Schakel-Notification") == "case") told.push_back(received);
      }
      if (told.size() >= count) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return told;
  }

  TlsUpstream upstream_;
  SilentPeer silent_;
  TestGateway gateway_{PeerPorts{upstream_.port(), silent_.port(), closed_port()}};
};

TEST_F(CasesTest, EveryParticipantSeesTheOverviewUnderItsOwnPseudonymOthersGet404) {
  const std::string id = open_case();
  ASSERT_TRUE(id.starts_with("schakel-zaak-")) << id;
  auto police = call("politie-eenheid-voorbeeld", "GET", "/v1/cases/" + id);
  ASSERT_EQ(police.status, 200) << police.body;
  auto ggz = call("ggz-voorbeeld", "GET", "/v1/cases/" + id);
  ASSERT_EQ(ggz.status, 200) << ggz.body;
  const auto overview = police.json();
  EXPECT_EQ(overview["level"], 2);
  EXPECT_EQ(overview["participants"].size(), 3u);
  EXPECT_EQ(overview["participants"][0]["role"], "zvh") << "the director first";
  EXPECT_EQ(overview["participants"][2]["contact"], "team@ggz-voorbeeld.example");
  EXPECT_TRUE(overview["subject"]["pseudonym"].get<std::string>().starts_with("v1."));
  EXPECT_NE(overview["subject"], ggz.json()["subject"]) << "each participant its own pseudonym";
  EXPECT_FALSE(overview.contains("subject_index"));

  auto outsider = call("gemeente-voorbeeldstad", "GET", "/v1/cases/" + id);
  EXPECT_EQ(outsider.status, 404) << outsider.body;
  auto unknown = call("gemeente-voorbeeldstad", "GET", "/v1/cases/schakel-zaak-bestaatnietaaaaaaa");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(outsider.json()["detail"], unknown.json()["detail"]) << "a stranger learns nothing";
  const auto records = gateway_.records_of_kind("case");
  ASSERT_EQ(records.size(), 5u);  // opened, two reads, two refusals
  EXPECT_EQ(records[0]["outcome"], "opened");
  EXPECT_EQ(records[0]["case"], id);
  EXPECT_EQ(records[3]["outcome"], "refused");
  EXPECT_EQ(records[3]["sender"], partners::kMunicipality);
  EXPECT_EQ(records[3]["case"], id) << "who probed which case";
  EXPECT_EQ(records[3]["attributes"]["dpl.core.data_subject_id"],
            records[0]["attributes"]["dpl.core.data_subject_id"])
      << "and whom";
  EXPECT_EQ(records[4]["case"], "") << "an id that is no case is not written down";
  EXPECT_EQ(gateway_.everything_written().find(kBsn), std::string::npos);
}

TEST_F(CasesTest, TheDirectorEscalatesAndDeescalatesRecordsActionsAndDecisionsThenCloses) {
  const std::string id = open_case();
  const std::string base = "/v1/cases/" + id;
  auto raised = call("zvh-voorbeeld", "POST", base + "/level",
                     {{"level", 3}, {"reason", "Acuut: de heer Pietersen belde 06-12345678"}});
  ASSERT_EQ(raised.status, 200) << raised.body;
  EXPECT_EQ(raised.json()["level"], 3);
  auto by_police =
      call("politie-eenheid-voorbeeld", "POST", base + "/level", {{"level", 2}, {"reason", "x"}});
  EXPECT_EQ(by_police.status, 403) << "only the director changes the level";
  auto lowered = call("zvh-voorbeeld", "POST", base + "/level",
                      {{"level", 2}, {"reason", "Situatie stabiel"}});
  ASSERT_EQ(lowered.status, 200) << lowered.body;
  auto bad_level = call("zvh-voorbeeld", "POST", base + "/level", {{"level", 1}, {"reason", "x"}});
  EXPECT_EQ(bad_level.status, 400) << "level 1 is no level of this purpose";
  auto wrapped =
      call("zvh-voorbeeld", "POST", base + "/level", {{"level", 4294967298LL}, {"reason", "x"}});
  EXPECT_EQ(wrapped.status, 400) << "2^32 + 2 is no level 2";
  auto extra = call("zvh-voorbeeld", "POST", base + "/participants",
                    {{"partner", partners::kMunicipality}, {"naam", "Jan Jansen"}});
  EXPECT_EQ(extra.status, 400) << "an unknown member is refused, never ignored";

  auto action =
      call("zvh-voorbeeld", "POST", base + "/actions",
           {{"what", "Huisbezoek plannen"}, {"owner", partners::kPolice}, {"due", "2026-12-10"}});
  ASSERT_EQ(action.status, 200) << action.body;
  auto overview = call("politie-eenheid-voorbeeld", "GET", base).json();
  ASSERT_EQ(overview["actions"].size(), 1u);
  const std::string action_id = overview["actions"][0]["id"];
  auto undone = call("politie-eenheid-voorbeeld", "POST", base + "/actions",
                     {{"action", action_id}, {"done", false}});
  EXPECT_EQ(undone.status, 400) << undone.body;
  auto done = call("politie-eenheid-voorbeeld", "POST", base + "/actions",
                   {{"action", action_id}, {"done", true}});
  ASSERT_EQ(done.status, 200) << done.body;
  ASSERT_EQ(
      call("zvh-voorbeeld", "POST", base + "/decisions", {{"text", "Opschalen naar crisisoverleg"}})
          .status,
      200);

  overview = call("ggz-voorbeeld", "GET", base).json();
  ASSERT_EQ(overview["levels"].size(), 3u) << overview.dump();
  EXPECT_EQ(overview["levels"][1]["level"], 3);
  const std::string reason = overview["levels"][1]["reason"];
  EXPECT_EQ(reason.find("Pietersen"), std::string::npos) << "redacted: " << reason;
  EXPECT_EQ(reason.find("06-12345678"), std::string::npos) << "redacted: " << reason;
  EXPECT_FALSE(overview["actions"][0]["done"].is_null());
  EXPECT_EQ(overview["decisions"].size(), 1u);

  auto joined =
      call("zvh-voorbeeld", "POST", base + "/participants", {{"partner", partners::kMunicipality}});
  ASSERT_EQ(joined.status, 200) << joined.body;
  ASSERT_EQ(call("zvh-voorbeeld", "POST", base + "/close").status, 200);
  // The new participant learns of the case, and then of its close.
  std::vector<std::string> heard;
  for (int i = 0; i < 200 && heard.size() < 2; ++i) {
    heard.clear();
    for (auto& received : upstream_.received()) {
      if (received.target == "/gemeente-voorbeeldstad" &&
          received.header("Schakel-Notification") == "case") {
        heard.push_back(json::parse(received.body)["change"]);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(heard, (std::vector<std::string>{"participant", "closed"}));
  auto after = call("zvh-voorbeeld", "POST", base + "/decisions", {{"text", "te laat"}});
  EXPECT_EQ(after.status, 409) << after.body;
  std::vector<std::string> outcomes;
  for (const auto& record : gateway_.records_of_kind("case")) outcomes.push_back(record["outcome"]);
  for (const char* outcome :
       {"opened", "level", "action", "decision", "closed", "refused", "read"}) {
    EXPECT_NE(std::ranges::find(outcomes, outcome), outcomes.end()) << outcome;
  }
  const std::string written = gateway_.everything_written();
  EXPECT_EQ(written.find("Pietersen"), std::string::npos) << "a name in the store or trail";
  EXPECT_EQ(written.find(kBsn), std::string::npos);
}

// Schakel-Case: a message in a case goes between participants at the case's
// level; escalation and de-escalation change what the next one carries, and
// every other participant is told of each change.
TEST_F(CasesTest, TheCasesLevelDecidesWhatTheNextCaseMessageCarries) {
  const std::string id = open_case();
  auto send = [&](const char* sender, const char* level, std::string* transaction) {
    *transaction = gateway::new_transaction_id();
    HttpRequest request{"POST",
                        "/v1/messages",
                        {{"Content-Type", "application/json"},
                         {"Schakel-Recipient", partners::kZvh},
                         {"Schakel-Purpose", "zvh-case-consultation"},
                         {"Schakel-Case", id},
                         {"Fsc-Transaction-Id", *transaction}},
                        read_file(example_message("e33-signal.json"))};
    if (level) request.headers.emplace_back("Schakel-Level", level);
    auto reply = tls_request(gateway_.port(), partner_cert(sender), request);
    EXPECT_TRUE(reply.has_value()) << reply.error();
    return reply.value_or(HttpResult{});
  };
  auto birth_date_received = [&](const std::string& transaction) {
    const auto received = upstream_.received_with(transaction);
    return received.size() == 1 ? json::parse(received[0].body)["data"].value("birth_date", "")
                                : std::string("(none)");
  };
  std::string transaction;
  ASSERT_EQ(send("politie-eenheid-voorbeeld", nullptr, &transaction).status, 200);
  EXPECT_EQ(birth_date_received(transaction), "1987") << "level 2: the year only";
  EXPECT_EQ(send("politie-eenheid-voorbeeld", "3", &transaction).status, 403)
      << "Schakel-Level may not exceed the case's level";

  const std::string base = "/v1/cases/" + id;
  ASSERT_EQ(
      call("zvh-voorbeeld", "POST", base + "/level", {{"level", 3}, {"reason", "crisis"}}).status,
      200);
  ASSERT_EQ(send("politie-eenheid-voorbeeld", nullptr, &transaction).status, 200);
  EXPECT_EQ(birth_date_received(transaction), "1987-03-14") << "level 3: the date";
  EXPECT_EQ(gateway_.decision_records(transaction)[0]["level"], 3);
  ASSERT_EQ(
      call("zvh-voorbeeld", "POST", base + "/level", {{"level", 2}, {"reason", "stabiel"}}).status,
      200);
  ASSERT_EQ(send("politie-eenheid-voorbeeld", nullptr, &transaction).status, 200);
  EXPECT_EQ(birth_date_received(transaction), "1987") << "back at level 2";

  auto outsider = send("gemeente-voorbeeldstad", nullptr, &transaction);
  EXPECT_EQ(outsider.status, 404) << outsider.body;
  EXPECT_TRUE(upstream_.received_with(transaction).empty());
  // About another person than the case's: refused, nothing forwarded.
  {
    auto body = json::parse(read_file(example_message("e33-signal.json")));
    body["subject"]["bsn"] = "111222333";
    transaction = gateway::new_transaction_id();
    HttpRequest other{"POST",
                      "/v1/messages",
                      {{"Content-Type", "application/json"},
                       {"Schakel-Recipient", partners::kZvh},
                       {"Schakel-Purpose", "zvh-case-consultation"},
                       {"Schakel-Case", id},
                       {"Fsc-Transaction-Id", transaction}},
                      body.dump()};
    auto reply = tls_request(gateway_.port(), partner_cert("politie-eenheid-voorbeeld"), other);
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->status, 422) << reply->body;
    EXPECT_EQ(reply->json()["type"], "urn:schakel:problem:invalid-subject");
    EXPECT_TRUE(upstream_.received_with(transaction).empty());
    // A partner's own reference that merely looks like a case is opaque, as before.
    other.headers[3].second = "zaak-2024-001";
    other.headers[4].second = gateway::new_transaction_id();
    reply = tls_request(gateway_.port(), partner_cert("politie-eenheid-voorbeeld"), other);
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->status, 200) << reply->body;
  }

  // Told of the opening and of both changes: the police and the GGZ, three times each.
  std::vector<json> told;
  for (int i = 0; i < 200 && told.size() < 6; ++i) {
    told.clear();
    for (const auto& received : upstream_.received()) {
      if (received.header("Schakel-Notification") == "case")
        told.push_back(json::parse(received.body));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(told.size(), 6u);
  std::size_t raised = 0;
  for (const auto& notification : told) {
    EXPECT_EQ(notification["case"], id);
    EXPECT_TRUE(notification["subject"]["pseudonym"].get<std::string>().starts_with("v1."));
    EXPECT_FALSE(notification.contains("reason")) << "the reason is in the overview only";
    raised += notification["change"] == "level" && notification["level"] == 3 ? 1 : 0;
  }
  EXPECT_EQ(raised, 2u);
}

// A change commits with its record held beside it (region/record_outbox.hpp):
// while the trail refuses, the case is kept, the director gets 503 and no
// participant is told; once the trail is back the record is written, and
// only then do the notifications go out.
TEST_F(CasesTest, ACaseOpenedWhileTheTrailRefusesIsRecordedBeforeAnyoneIsTold) {
  const json body = {{"subject", {{"bsn", kBsn}}},
                     {"purpose", "zvh-case-consultation"},
                     {"level", 2},
                     {"participants", json::array({{{"partner", partners::kPolice}},
                                                   {{"partner", partners::kMentalHealth}}})}};
  const std::string transaction = gateway::new_transaction_id();
  auto open = [&] {
    HttpRequest request{"POST",
                        "/v1/cases",
                        {{"Content-Type", "application/json"}, {"Fsc-Transaction-Id", transaction}},
                        body.dump()};
    auto reply = tls_request(gateway_.port(), partner_cert("zvh-voorbeeld"), request);
    EXPECT_TRUE(reply.has_value()) << reply.error();
    return reply.value_or(HttpResult{});
  };
  HeldTrailLock lock(gateway_.trail_dir());
  ASSERT_TRUE(lock.held());
  auto opened = open();
  ASSERT_EQ(opened.status, 503) << opened.body;
  EXPECT_EQ(opened.json()["type"], "urn:schakel:problem:record-pending");
  EXPECT_TRUE(case_notifications(1).empty()) << "told before the record is written";
  EXPECT_EQ(open().status, 503) << "asked again while the trail refuses: no answer, no second case";

  lock.release();
  const auto told = case_notifications(2);
  ASSERT_EQ(told.size(), 2u) << "the held notifications go once the record is in";
  const std::string id = json::parse(told[0].body)["case"];
  auto again = open();
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.json()["case"], id) << "the answer the change gave, not a second case";
  EXPECT_EQ(again.header("Schakel-Repeated"), "true");
  std::vector<json> opened_records;
  for (const auto& record : gateway_.records_of_kind("case")) {
    if (record["outcome"] == "opened") opened_records.push_back(record);
  }
  ASSERT_EQ(opened_records.size(), 1u) << "one case, one record";
  EXPECT_EQ(opened_records[0]["case"], id);
  EXPECT_EQ(opened_records[0]["sender"], partners::kZvh);
  EXPECT_FALSE(opened_records[0]["legal_bases"].empty()) << "the purpose's legal bases";
  for (const auto& delivery : gateway_.records_of_kind("notification")) {
    EXPECT_GT(delivery["sequence"].get<std::uint64_t>(),
              opened_records[0]["sequence"].get<std::uint64_t>())
        << "a notification before its change's record";
  }
  EXPECT_EQ(call("politie-eenheid-voorbeeld", "GET", "/v1/cases/" + id).status, 200)
      << "the case was kept";
  HttpRequest other{"POST",
                    "/v1/cases/" + id + "/level",
                    {{"Content-Type", "application/json"}, {"Fsc-Transaction-Id", transaction}},
                    json{{"level", 3}, {"reason", "x"}}.dump()};
  auto reused = tls_request(gateway_.port(), partner_cert("zvh-voorbeeld"), other);
  ASSERT_TRUE(reused.has_value());
  EXPECT_EQ(reused->status, 409) << "one transaction id, one request";
  HttpRequest as_text{"POST", "/v1/cases", {{"Content-Type", "text/plain"}}, body.dump()};
  auto text = tls_request(gateway_.port(), partner_cert("zvh-voorbeeld"), as_text);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(text->status, 415);
}

}  // namespace
}  // namespace schakel::testing
