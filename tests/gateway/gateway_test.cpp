// End to end through the real interfaces: a TLS client as a partner, the
// gateway in this process, a recording mutual-TLS upstream as the recipient.
#include <gtest/gtest.h>

#include <optional>

#include "audit/verify.hpp"
#include "cli/policy_explain.hpp"
#include "gateway/envelope.hpp"
#include "tests/support/client.hpp"
#include "tests/support/example_policy.hpp"
#include "tests/support/gateway_suite.hpp"
#include "tests/support/peers.hpp"
#include "tests/support/test_gateway.hpp"

namespace schakel::testing {
namespace {

constexpr const char* kBsn = "999990019";

struct Send {
  std::string sender = "politie-eenheid-voorbeeld";
  std::string recipient = partners::kMentalHealth;
  std::string purpose = "e33-confused-behaviour";
  std::optional<std::string> level = "2";
  std::string content_type = "application/json";
  std::string body;
  gateway::HeaderList extra;
};

class GatewayTest : public GatewaySuite {
 protected:
  static std::string e33_body(const std::string& bsn = kBsn) {
    auto body = nlohmann::json::parse(read_file(example_message("e33-signal.json")));
    body["subject"]["bsn"] = bsn;
    return body.dump();
  }

  // Sends one message with a fresh transaction id; returns the reply.
  HttpResult send(Send message, std::string* transaction_id = nullptr) {
    const std::string id = gateway::new_transaction_id();
    if (transaction_id) *transaction_id = id;
    HttpRequest request;
    request.headers = {{"Content-Type", message.content_type},
                       {"Schakel-Recipient", message.recipient},
                       {"Schakel-Purpose", message.purpose},
                       {"Fsc-Transaction-Id", id}};
    if (message.level) request.headers.emplace_back("Schakel-Level", *message.level);
    for (auto& header : message.extra) request.headers.push_back(header);
    request.body = message.body.empty() ? e33_body() : message.body;
    auto reply = tls_request(gateway_->port(), partner_cert(message.sender), request);
    EXPECT_TRUE(reply.has_value()) << reply.error();
    return reply.value_or(HttpResult{});
  }

  // A refusal: the status and problem, one refused decision record, nothing forwarded.
  void expect_refused(Send message, int status, const std::string& problem,
                      const std::string& rule = "") {
    std::string id;
    auto reply = send(std::move(message), &id);
    EXPECT_EQ(reply.status, status) << reply.body;
    EXPECT_EQ(reply.header("Content-Type"), "application/problem+json");
    auto body = reply.json();
    EXPECT_EQ(body["type"], "urn:schakel:problem:" + problem);
    EXPECT_EQ(body["status"], status);
    EXPECT_EQ(body["transaction_id"], id);
    EXPECT_EQ(reply.header("Fsc-Transaction-Id"), id);
    if (!rule.empty()) {
      EXPECT_EQ(body["rule"], rule);
    }
    EXPECT_TRUE(upstream_->received_with(id).empty()) << "a refused message was forwarded";
    auto records = gateway_->decision_records(id);
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0]["outcome"], "refused");
    EXPECT_EQ(records[0]["problem"], problem);
  }
};

TEST_F(GatewayTest, AllowedMessageArrivesMinimisedAndPseudonymised) {
  std::string id;
  auto reply = send({}, &id);
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto receipt = reply.json();
  EXPECT_EQ(receipt["status"], "delivered");
  EXPECT_EQ(receipt["transaction_id"], id);
  EXPECT_EQ(receipt["recipient_status"], 200);

  auto received = upstream_->received_with(id);
  ASSERT_EQ(received.size(), 1u);
  const auto& delivery = received[0];
  EXPECT_EQ(delivery.target, "/ggz-voorbeeld");
  EXPECT_EQ(delivery.client_oin, "00000009000000000001") << "the gateway's client certificate";
  EXPECT_EQ(delivery.header("Schakel-Sender"), partners::kPolice);
  EXPECT_EQ(delivery.header("Schakel-Purpose"), "e33-confused-behaviour");
  EXPECT_EQ(delivery.header("Schakel-Level"), "2");
  EXPECT_EQ(delivery.header("Schakel-Policy"), gateway_->policy_hash());
  EXPECT_EQ(delivery.header("traceparent").size(), 55u);

  auto body = nlohmann::json::parse(delivery.body);
  EXPECT_TRUE(body["subject"]["pseudonym"].get<std::string>().starts_with("v1."));
  EXPECT_FALSE(body["subject"].contains("bsn"));
  const auto& data = body["data"];
  EXPECT_FALSE(data.contains("diagnosis")) << "not named by the level: dropped";
  EXPECT_FALSE(data.contains("phone")) << "level 2 drops the phone number";
  EXPECT_EQ(data["postcode"], "3511");
  EXPECT_EQ(data["incident_code"], "E33");
  // Exactly what `policy explain` computes today: one evaluation for both.
  const auto explained = cli::explain(
      *example_policy(), {partners::kPolice, partners::kMentalHealth, "e33-confused-behaviour", 2,
                          read_file(example_message("e33-signal.json")), std::nullopt});
  EXPECT_EQ(data, explained["recipient_receives"]["data"]) << "explain and the gateway differ";
  EXPECT_EQ(data["birth_date"].get<std::string>().size(), 5u) << "an age band such as 35-44";
  EXPECT_EQ(data["incident_summary"].get<std::string>().find("06-12345678"), std::string::npos);
  EXPECT_EQ(delivery.all_bytes().find(kBsn), std::string::npos) << "BSN reached the recipient";

  auto records = gateway_->decision_records(id);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["outcome"], "allowed");
  EXPECT_EQ(records[0]["sequence"], receipt["audit_sequence"]);
  EXPECT_TRUE(
      records[0]["attributes"]["dpl.core.data_subject_id"].get<std::string>().starts_with("t1."));
  EXPECT_EQ(records[0].dump().find(kBsn), std::string::npos);
}

// Free text reaches the recipient redacted; the decision record counts what
// was removed per kind and holds none of it.
TEST_F(GatewayTest, RedactedFreeTextIsCountedInTheRecordNeverQuoted) {
  auto body = nlohmann::json::parse(e33_body());
  body["data"]["incident_summary"] =
      "Dhr. Jan de Vries (geb. 14-03-1987) woont Adelaarstraat 87, belde vanaf 06-12345678 en "
      "noemde bsn 999 990 019.";
  Send message;
  message.body = body.dump();
  std::string id;
  auto reply = send(message, &id);
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto received = upstream_->received_with(id);
  ASSERT_EQ(received.size(), 1u);
  const auto summary =
      nlohmann::json::parse(received[0].body)["data"]["incident_summary"].get<std::string>();
  for (const char* gone : {"Vries", "14-03-1987", "Adelaarstraat", "12345678", "990"}) {
    EXPECT_EQ(summary.find(gone), std::string::npos)
        << gone << " reached the recipient: " << summary;
  }
  auto records = gateway_->decision_records(id);
  ASSERT_EQ(records.size(), 1u);
  const std::string counts = records[0]["details"].value("redacted", "");
  for (const char* kind : {"name:", "address:"}) {
    EXPECT_NE(counts.find(kind), std::string::npos) << kind << " not counted: " << counts;
  }
  const std::string record = records[0].dump();
  for (const char* value : {"Vries", "Adelaarstraat", "14-03-1987", "12345678"}) {
    EXPECT_EQ(record.find(value), std::string::npos) << value << " is in the trail";
  }
}

// Issue 11: a receipt says only what the trail durably says. When the sender
// holds "delivered", the delivery record is already committed.
TEST_F(GatewayTest, ADeliveredReceiptComesAfterItsDeliveryRecord) {
  for (int i = 0; i < 10; ++i) {
    std::string id;
    auto reply = send({}, &id);
    ASSERT_EQ(reply.status, 200) << reply.body;
    std::optional<nlohmann::json> delivery;
    for (const auto& record : gateway_->records_of_kind("delivery")) {
      if (record["transaction_id"] == id) delivery = record;
    }
    ASSERT_TRUE(delivery.has_value()) << "a receipt before its delivery record";
    EXPECT_EQ((*delivery)["outcome"], "delivered");
    EXPECT_EQ(reply.json()["delivery_audit_sequence"], (*delivery)["sequence"]);
    EXPECT_EQ((*delivery)["decision_sequence"], reply.json()["audit_sequence"]);
  }
}

TEST_F(GatewayTest, SamePersonSamePseudonymPerRecipientDifferentAcrossRecipients) {
  auto pseudonym_at = [&](const char* recipient) {
    std::string id;
    Send message;
    message.recipient = recipient;
    auto reply = send(message, &id);
    EXPECT_EQ(reply.status, 200) << reply.body;
    auto received = upstream_->received_with(id);
    if (received.size() != 1) return std::string("(not delivered)");
    return nlohmann::json::parse(received[0].body)["subject"]["pseudonym"].get<std::string>();
  };
  const auto first = pseudonym_at(partners::kMentalHealth);
  const auto again = pseudonym_at(partners::kMentalHealth);
  const auto elsewhere = pseudonym_at(partners::kMunicipality);
  EXPECT_EQ(first, again);
  EXPECT_NE(first, elsewhere);
}

TEST_F(GatewayTest, SenderMayNameTheSubjectByItsOwnPseudonym) {
  // The police tell the mental-health provider and the ZVH about one person;
  // the provider then refers the person to the ZVH by its own pseudonym.
  auto delivered_pseudonym = [&](Send message) {
    std::string id;
    auto reply = send(message, &id);
    EXPECT_EQ(reply.status, 200) << reply.body;
    auto received = upstream_->received_with(id);
    if (received.size() != 1) return std::string("(not delivered)");
    return nlohmann::json::parse(received[0].body)["subject"]["pseudonym"].get<std::string>();
  };
  const auto at_ggz = delivered_pseudonym({});
  Send to_zvh;
  to_zvh.recipient = partners::kZvh;
  const auto at_zvh = delivered_pseudonym(to_zvh);

  Send referral;
  referral.sender = "ggz-voorbeeld";
  referral.recipient = partners::kZvh;
  referral.purpose = "zvh-case-consultation";
  referral.body =
      nlohmann::json{{"subject", {{"pseudonym", at_ggz}}}, {"data", {{"risk_level", "high"}}}}
          .dump();
  EXPECT_EQ(delivered_pseudonym(referral), at_zvh);
}

TEST_F(GatewayTest, PolicyRefusalsNameTheRuleAndForwardNothing) {
  Send wrong_recipient_role;
  wrong_recipient_role.recipient = partners::kVeiligThuis;
  expect_refused(wrong_recipient_role, 403, "role-not-permitted",
                 "guideline.json#/purposes/e33-confused-behaviour/recipients");

  Send wrong_sender_role;
  wrong_sender_role.sender = "gemeente-voorbeeldstad";
  expect_refused(wrong_sender_role, 403, "role-not-permitted",
                 "guideline.json#/purposes/e33-confused-behaviour/senders");

  Send unknown_purpose;
  unknown_purpose.purpose = "curiosity";
  expect_refused(unknown_purpose, 403, "purpose-not-permitted", "guideline.json#/purposes");

  Send not_enabled;  // in the guideline, not enabled by the example region
  not_enabled.recipient = partners::kZvh;
  not_enabled.purpose = "human-trafficking-signal";
  not_enabled.level = "1";
  expect_refused(not_enabled, 403, "purpose-not-permitted", "region.json#/purposes");

  Send no_such_level;  // case consultation starts at level 2
  no_such_level.sender = "ggz-voorbeeld";
  no_such_level.recipient = partners::kZvh;
  no_such_level.purpose = "zvh-case-consultation";
  no_such_level.level = "1";
  expect_refused(no_such_level, 403, "level-not-permitted",
                 "guideline.json#/purposes/zvh-case-consultation/levels");
}

TEST_F(GatewayTest, InputErrorsEachGetTheirOwnProblem) {
  Send malformed;
  malformed.body = R"({"subject": {"bsn": "999990019"}, "data": )";
  expect_refused(malformed, 400, "malformed-body");

  Send bad_checksum;
  bad_checksum.body = e33_body("999990018");
  expect_refused(bad_checksum, 422, "invalid-subject");

  Send unknown_recipient;
  unknown_recipient.recipient = "00000001999999999000";
  expect_refused(unknown_recipient, 422, "unknown-recipient", "region.json#/partners");

  Send wrong_type;
  wrong_type.content_type = "text/plain";
  expect_refused(wrong_type, 415, "unsupported-media-type");

  Send bad_level;
  bad_level.level = "7";
  expect_refused(bad_level, 400, "invalid-level");

  Send oversized;
  auto big = nlohmann::json::parse(e33_body());
  big["data"]["incident_summary"] = std::string(100 * 1024, 'x');
  oversized.body = big.dump();
  expect_refused(oversized, 413, "body-too-large");
}

TEST_F(GatewayTest, CaseReferenceMustNotCarryPersonalData) {
  Send with_bsn;
  with_bsn.extra = {{"Schakel-Case", "dossier-999990019"}};
  expect_refused(with_bsn, 400, "invalid-header");
  Send fine;
  fine.extra = {{"Schakel-Case", "ZVH-26-0042"}};
  std::string id;
  EXPECT_EQ(send(fine, &id).status, 200);
  auto received = upstream_->received_with(id);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].header("Schakel-Case"), "ZVH-26-0042");
}

TEST_F(GatewayTest, TraceContextIsPropagatedAndRecorded) {
  const std::string trace = "4bf92f3577b34da6a3ce929d0e0e4736";
  Send message;
  message.extra = {{"traceparent", "00-" + trace + "-00f067aa0ba902b7-01"}};
  std::string id;
  ASSERT_EQ(send(message, &id).status, 200);
  auto received = upstream_->received_with(id);
  ASSERT_EQ(received.size(), 1u);
  const auto forwarded = received[0].header("traceparent");
  EXPECT_EQ(forwarded.substr(3, 32), trace);
  EXPECT_NE(forwarded.substr(36, 16), "00f067aa0ba902b7") << "the gateway's own span";
  auto records = gateway_->decision_records(id);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["trace_id"], trace);
}

TEST_F(GatewayTest, UnknownOinIsRefusedAndAudited) {
  HttpRequest request;
  const std::string id = gateway::new_transaction_id();
  request.headers = {{"Content-Type", "application/json"},
                     {"Schakel-Recipient", partners::kMentalHealth},
                     {"Schakel-Purpose", "e33-confused-behaviour"},
                     {"Fsc-Transaction-Id", id}};
  request.body = e33_body();
  auto reply = tls_request(gateway_->port(), cert_named("unknown-partner"), request);
  ASSERT_TRUE(reply.has_value()) << reply.error();
  EXPECT_EQ(reply->status, 403);
  EXPECT_EQ(reply->json()["type"], "urn:schakel:problem:unknown-partner");
  EXPECT_TRUE(upstream_->received_with(id).empty());
  EXPECT_EQ(gateway_->decision_records(id).size(), 1u);
}

TEST_F(GatewayTest, ConnectionsWithoutATrustedCertificateAreRefused) {
  HttpRequest request;
  request.headers = {{"Content-Type", "application/json"},
                     {"Schakel-Recipient", partners::kMentalHealth},
                     {"Schakel-Purpose", "e33-confused-behaviour"}};
  request.body = e33_body();
  const auto before = upstream_->received().size();
  auto without = tls_request(gateway_->port(), std::nullopt, request);
  EXPECT_FALSE(without.has_value()) << "answered HTTP " << without.value_or(HttpResult{}).status;
  auto foreign = tls_request(gateway_->port(), cert_named("foreign-client"), request);
  EXPECT_FALSE(foreign.has_value()) << "a certificate from another CA was accepted";
  EXPECT_EQ(upstream_->received().size(), before);
}

TEST_F(GatewayTest, UnreachableRecipientGives502) {
  Send message;  // Veilig Thuis listens nowhere in this test region
  message.recipient = partners::kVeiligThuis;
  message.purpose = "domestic-violence-report";
  message.body = read_file(example_message("domestic-violence.json"));
  std::string id;
  auto reply = send(message, &id);
  EXPECT_EQ(reply.status, 502) << reply.body;
  EXPECT_EQ(reply.json()["type"], "urn:schakel:problem:recipient-unreachable");
  auto records = gateway_->decision_records(id);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["outcome"], "allowed") << "decided and recorded before forwarding";
}

TEST_F(GatewayTest, SilentRecipientGives504AfterTheTimeout) {
  Send message;  // Reclassering accepts connections and never answers
  message.sender = "pi-voorbeeld";
  message.recipient = partners::kProbation;
  message.purpose = "aftercare-after-detention";
  message.level = "1";
  message.body =
      R"({"subject":{"bsn":"999990019"},"data":{"detention_release_date":"2026-12-01"}})";
  auto reply = send(message);
  EXPECT_EQ(reply.status, 504) << reply.body;
  EXPECT_EQ(reply.json()["type"], "urn:schakel:problem:recipient-timeout");
}

TEST_F(GatewayTest, RoutesOtherThanPostMessagesAreProblems) {
  HttpRequest get{"GET", "/v1/messages", {}, ""};
  auto method = tls_request(gateway_->port(), partner_cert("politie-eenheid-voorbeeld"), get);
  ASSERT_TRUE(method.has_value());
  EXPECT_EQ(method->status, 405);
  HttpRequest elsewhere{"POST", "/v1/other?bsn=999990019", {}, ""};
  auto missing =
      tls_request(gateway_->port(), partner_cert("politie-eenheid-voorbeeld"), elsewhere);
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->body.find(kBsn), std::string::npos);
}

TEST_F(GatewayTest, AdminListenerReportsHealthAndReadiness) {
  auto health = plain_get(gateway_->admin_port(), "/healthz");
  ASSERT_TRUE(health.has_value());
  EXPECT_EQ(health->status, 200);
  auto ready = plain_get(gateway_->admin_port(), "/readyz");
  ASSERT_TRUE(ready.has_value());
  EXPECT_EQ(ready->status, 200);
  EXPECT_EQ(ready->json()["policy"], gateway_->policy_hash());
  auto metrics = plain_get(gateway_->admin_port(), "/metrics");
  ASSERT_TRUE(metrics.has_value());
  EXPECT_NE(metrics->body.find("schakel_messages_delivered_total"), std::string::npos);
}

TEST_F(GatewayTest, AdminRefusalsAreProblemDetailsToo) {
  auto missing = plain_get(gateway_->admin_port(), "/admin/nothing-here");
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->header("Content-Type"), "application/problem+json");
  EXPECT_EQ(missing->json().value("type", ""), "urn:schakel:problem:not-found");
  HttpRequest remove;
  remove.method = "DELETE";
  remove.target = "/healthz";
  auto wrong = plain_request(gateway_->admin_port(), remove);
  ASSERT_TRUE(wrong.has_value());
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->json().value("type", ""), "urn:schakel:problem:method-not-allowed");
  EXPECT_EQ(wrong->header("Allow"), "GET");
}

TEST_F(GatewayTest, PartnerRoutesAnswerUnknownPathsAndMethodsAsProblems) {
  HttpRequest wrong_path = e33_request();
  wrong_path.target = "/v1/message";
  auto missing =
      tls_request(gateway_->port(), partner_cert("politie-eenheid-voorbeeld"), wrong_path);
  ASSERT_TRUE(missing.has_value()) << missing.error();
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->json().value("type", ""), "urn:schakel:problem:not-found");
  HttpRequest wrong_method = e33_request();
  wrong_method.method = "PUT";
  auto refused =
      tls_request(gateway_->port(), partner_cert("politie-eenheid-voorbeeld"), wrong_method);
  ASSERT_TRUE(refused.has_value()) << refused.error();
  EXPECT_EQ(refused->status, 405);
  EXPECT_EQ(refused->header("Allow"), "POST");
}

// Each listener counts its own connections: scrapes are no partner connections.
TEST_F(GatewayTest, MetricsCountEachListenersConnectionsUnderItsOwnLabel) {
  auto accepted = [](const std::string& listener) {
    auto reply = plain_get(gateway_->admin_port(), "/metrics");
    const std::string name = "\nschakel_connections_accepted_total{listener=\"" + listener + "\"} ";
    const auto at = reply ? reply->body.find(name) : std::string::npos;
    return at == std::string::npos ? -1 : std::stoll(reply->body.substr(at + name.size()));
  };
  const auto partner_before = accepted("partner");
  const auto admin_before = accepted("admin");
  ASSERT_GE(partner_before, 0);
  ASSERT_GE(admin_before, 0);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(plain_get(gateway_->admin_port(), "/healthz"));
  EXPECT_EQ(accepted("partner"), partner_before) << "admin connections counted as partners'";
  EXPECT_GE(accepted("admin"), admin_before + 5);
  ASSERT_EQ(send({}).status, 200);
  EXPECT_EQ(accepted("partner"), partner_before + 1);
}

}  // namespace
}  // namespace schakel::testing
