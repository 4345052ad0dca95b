// Federation between two regional gateways (issue 20), through the real
// interfaces: a partner's TLS client -> gateway A -> mutual TLS -> gateway B
// -> the recording upstream, each gateway with its own keys, region, trail
// and certificates. Region B is the example region with a municipality and a
// prosecutor of its own (OINs A does not have); the police, the prison and
// the others are the same organisations in both regions (one certificate,
// recognised by each region that lists it). A also names two regions that
// cannot be reached: C's gateway is down, D's endpoint shows a forged
// certificate (B's OIN, another CA).
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "audit/verify.hpp"
#include "crypto/encoding.hpp"
#include "crypto/key_store.hpp"
#include "crypto/pseudonymiser.hpp"
#include "crypto/transit.hpp"
#include "policy/loader.hpp"
#include "policy/peer_directory.hpp"
#include "tests/support/peers.hpp"
#include "tests/support/test_gateway.hpp"

namespace schakel::testing {
namespace {

using nlohmann::json;

constexpr const char* kMunicipalityB = "00000001001234567111";
constexpr const char* kProsecutorB = "00000001006789012111";
constexpr const char* kMunicipalityC = "00000001001234567333";
constexpr const char* kMunicipalityD = "00000001001234567444";
constexpr const char* kGatewayA = "00000009000000000001";
constexpr const char* kGatewayB = "00000009000000000011";
constexpr const char* kBsn = "999990019";
constexpr const char* kAftercare = "aftercare-after-detention";
constexpr const char* kConsultation = "zvh-case-consultation";

json example_region(const std::string& name, const std::string& prefix, std::uint16_t port) {
  auto region = json::parse(read_file(example_region_file()));
  region["region"] = name;
  for (auto& partner : region["partners"]) {
    partner["endpoint"] = "https://127.0.0.1:" + std::to_string(port) + "/" + prefix + "/" +
                          partner["id"].get<std::string>();
  }
  return region;
}

// Gives the partner with `id` another OIN (and, for a municipality, id and domain).
void rename_partner(json& region, const std::string& id, const std::string& oin,
                    const std::string& new_id = {}) {
  for (auto& partner : region["partners"]) {
    if (partner["id"] != id) continue;
    partner["oin"] = oin;
    if (!new_id.empty()) {
      partner["id"] = new_id;
      partner["pseudonym_domain"] = new_id;
      partner["endpoint"] =
          std::string(partner["endpoint"])
              .replace(std::string(partner["endpoint"]).rfind('/') + 1, std::string::npos, new_id);
    }
  }
}

std::string checkpoint_key(const std::filesystem::path& keys_dir) {
  return "ed25519:" + crypto::to_hex(crypto::KeyStore::load(keys_dir)->signing_public_key());
}

// What `schakel peers publish` writes for `region_file` under `keys_dir`.
void publish(const std::filesystem::path& region_file, const std::filesystem::path& keys_dir,
             const std::filesystem::path& out) {
  auto policy = policy::load_policy({guideline_file(), region_file, policy::PeerReading::kSkip});
  if (!policy) throw std::runtime_error(join_lines(policy.error()));
  auto keys = crypto::KeyStore::load(keys_dir);
  if (!keys) throw std::runtime_error(keys.error());
  const auto directory = policy::directory_of(**policy, *keys, "2026-11-27T12:00:00Z");
  write_file(out, policy::signed_directory(directory, *keys).dump(2));
}

json peer_entry(const std::string& id, std::uint16_t port, const std::string& gateway_oin,
                const std::string& checkpoint, const std::string& directory, json purposes) {
  return {{"id", id},
          {"endpoint", "https://127.0.0.1:" + std::to_string(port)},
          {"gateway_oin", gateway_oin},
          {"checkpoint_key", checkpoint},
          {"directory", directory},
          {"purposes", std::move(purposes)}};
}

// The gateway's certificates: NAME-server and NAME-client of the test PKI (A's client
// certificate is the PKI's gateway-client).
std::function<void(gateway::Settings&)> wire(const std::filesystem::path& dir,
                                             const std::string& server, const std::string& client) {
  return [dir, server, client](gateway::Settings& settings) {
    settings.region = dir / "region.json";
    settings.keys_dir = dir / "keys";
    settings.tls.server_cert = test_pki() / (server + ".pem");
    settings.tls.server_key = test_pki() / (server + ".key");
    settings.tls.client_cert = test_pki() / (client + ".pem");
    settings.tls.client_key = test_pki() / (client + ".key");
  };
}

std::string aftercare_body(const std::string& subject) {
  return json{{"subject", {{"bsn", subject}}},
              {"data",
               {{"detention_release_date", "2026-12-01"},
                {"housing_status", "at_risk"},
                {"birth_date", "1987-03-14"},
                {"care_request", "Wil hulp bij schulden en een woning."},
                {"postcode", "3511 AB"},
                {"offence_category", "theft"}}}}
      .dump();
}

class FederationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    upstream_ = new TlsUpstream();
    forged_ = new TlsUpstream("forged-gateway-b-server");
    const auto root = dir_->path();
    for (const char* name : {"a", "b", "c"}) {
      std::filesystem::create_directories(root / name);
      if (auto made = crypto::KeyStore::init(root / name / "keys"); !made) {
        throw std::runtime_error(made.error());
      }
    }
    // Region B narrows aftercare: no housing status, the birth date as an age band.
    json b = example_region("Regio B", "b", upstream_->port());
    rename_partner(b, "gemeente-voorbeeldstad", kMunicipalityB, "gemeente-oostdorp");
    rename_partner(b, "om-parket-voorbeeld", kProsecutorB);
    b["purposes"][kAftercare] = {
        {"levels",
         {{"2", {{"fields", {{"housing_status", "drop"}, {"birth_date", "age_band"}}}}}}}};
    // ... and, in case consultations, pairs the police with mental health only (probation
    // with the prison).
    b["purposes"][kConsultation] = {
        {"matching", json::array({json::array({"police", "mental_health"}),
                                  json::array({"probation", "prison"})})}};
    write_file(root / "b" / "region.json", b.dump(2));
    publish(root / "b" / "region.json", root / "b" / "keys", root / "a" / "peer-b.json");
    // Region A narrows aftercare otherwise: the birth year, no offence.
    json a = example_region("Regio A", "a", upstream_->port());
    a["purposes"][kAftercare] = {
        {"levels", {{"2", {{"fields", {{"birth_date", "year"}, {"offence_category", "drop"}}}}}}}};
    write_file(root / "a" / "region.json", a.dump(2));
    publish(root / "a" / "region.json", root / "a" / "keys", root / "b" / "peer-a.json");
    // Regions C and D: a municipality each, their directories signed with C's keys.
    for (const auto& [name, oin] :
         {std::pair{"c", kMunicipalityC}, std::pair{"d", kMunicipalityD}}) {
      json other = example_region(std::string("Regio ") + name, name, closed_port());
      rename_partner(other, "gemeente-voorbeeldstad", oin, std::string("gemeente-") + name);
      write_file(root / "c" / (std::string(name) + ".json"), other.dump(2));
      publish(root / "c" / (std::string(name) + ".json"), root / "c" / "keys",
              root / "a" / (std::string("peer-") + name + ".json"));
    }
    const auto b_peers = [&](std::uint16_t a_port) {
      return json::array({peer_entry(
          "regio-a", a_port, kGatewayA, checkpoint_key(root / "a" / "keys"), "peer-a.json",
          {{kAftercare, "in"}, {"criminal-case-referral", "in"}, {kConsultation, "both"}})});
    };
    b["peers"] = b_peers(closed_port());  // A's port is known once A runs: reloaded below
    write_file(root / "b" / "region.json", b.dump(2));
    gateway_b_ = new TestGateway({upstream_->port(), upstream_->port(), closed_port()},
                                 wire(root / "b", "gateway-b-server", "gateway-b-client"));
    const std::string c_key = checkpoint_key(root / "c" / "keys");
    json d = peer_entry("regio-d", forged_->port(), "00000009000000000031", c_key, "peer-d.json",
                        {{kAftercare, "out"}});
    d["endpoint_oin"] = kGatewayB;
    a["peers"] = json::array(
        {peer_entry(
             "regio-b", gateway_b_->port(), kGatewayB, checkpoint_key(root / "b" / "keys"),
             "peer-b.json",
             {{kAftercare, "out"}, {"criminal-case-referral", "out"}, {kConsultation, "both"}}),
         peer_entry("regio-c", closed_port(), "00000009000000000021", c_key, "peer-c.json",
                    {{kAftercare, "out"}, {kConsultation, "both"}}),
         d});
    write_file(root / "a" / "region.json", a.dump(2));
    gateway_a_ = new TestGateway({upstream_->port(), upstream_->port(), closed_port()},
                                 wire(root / "a", "gateway-a-server", "gateway-client"));
    b["peers"] = b_peers(gateway_a_->port());
    write_file(root / "b" / "region.json", b.dump(2));
    if (!gateway_b_->reload().applied) throw std::runtime_error("region B did not reload");
  }
  static void TearDownTestSuite() {
    delete gateway_a_;
    delete gateway_b_;
    delete forged_;
    delete upstream_;
    delete dir_;
  }
  void TearDown() override {
    for (auto* gateway : {gateway_a_, gateway_b_}) {
      auto report = audit::verify_chain(gateway->trail_dir());
      ASSERT_TRUE(report.has_value());
      EXPECT_TRUE(report->intact()) << report->problem;
    }
  }

  // The prison of region A sends aftercare about `bsn` to `recipient`.
  static HttpResult send_from_a(const char* recipient, const std::string& bsn, std::string* id,
                                const char* purpose = kAftercare, const char* level = "2",
                                const char* sender = "pi-voorbeeld") {
    auto body = std::string(purpose) == kAftercare ? aftercare_body(bsn)
                                                   : read_file(example_message("e33-signal.json"));
    auto result = tls_request(gateway_a_->port(), partner_cert(sender),
                              message_request(recipient, purpose, level, body, id));
    if (!result) throw std::runtime_error(result.error());
    return *result;
  }

  // The person as gateway A names them to gateway B: a pseudonym of their transit domain,
  // computed with A's keys.
  static std::string transit_pseudonym_from_a(const std::string& bsn) {
    auto keys_a = crypto::KeyStore::load(dir_->path() / "a" / "keys");
    auto keys_b = crypto::KeyStore::load(dir_->path() / "b" / "keys");
    if (!keys_a || !keys_b) throw std::runtime_error("the test's keys do not load");
    crypto::Pseudonymiser at_a(*keys_a);
    return at_a
        .pseudonym(at_a.subject_of_bsn(bsn),
                   crypto::transit_domain(keys_b->federation_public_key()))
        .value();
  }

  static inline TempDir* dir_ = nullptr;
  static inline TlsUpstream* upstream_ = nullptr;
  static inline TlsUpstream* forged_ = nullptr;
  static inline TestGateway* gateway_a_ = nullptr;
  static inline TestGateway* gateway_b_ = nullptr;
};

TEST_F(FederationTest, CrossesMinimisedByTheStricterNarrowingUnderOneTransactionId) {
  std::string id;
  const auto reply = send_from_a(kMunicipalityB, kBsn, &id);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.json()["status"], "delivered");

  const auto received = upstream_->received_with(id);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].target, "/b/gemeente-oostdorp");
  EXPECT_EQ(received[0].client_oin, kGatewayB);  // B delivered it, not A
  EXPECT_EQ(received[0].header("Schakel-Sender"), partners::kPrison);
  const auto delivered = json::parse(received[0].body);
  const auto& data = delivered["data"];
  EXPECT_EQ(data["detention_release_date"], "2026-12-01");
  EXPECT_EQ(data["postcode"], "3511");              // both: postcode4
  EXPECT_TRUE(data.contains("care_request"));       // both: redacted
  EXPECT_FALSE(data.contains("housing_status"));    // B drops it
  EXPECT_FALSE(data.contains("offence_category"));  // A drops it
  EXPECT_FALSE(data.contains("birth_date"));        // a year at A, an age band at B: neither
  EXPECT_TRUE(delivered["subject"].contains("pseudonym"));

  const auto at_a = gateway_a_->decision_records(id);
  ASSERT_EQ(at_a.size(), 1u);
  EXPECT_EQ(at_a[0]["outcome"], "allowed");
  EXPECT_EQ(at_a[0]["recipient"], kMunicipalityB);
  EXPECT_EQ(at_a[0]["details"]["peer_region"], "regio-b");
  EXPECT_EQ(at_a[0]["details"]["crossing"], "out");
  const auto at_b = gateway_b_->decision_records(id);
  ASSERT_EQ(at_b.size(), 1u);
  EXPECT_EQ(at_b[0]["outcome"], "allowed");
  EXPECT_EQ(at_b[0]["sender"], partners::kPrison);
  EXPECT_EQ(at_b[0]["details"]["peer_region"], "regio-a");
  EXPECT_EQ(at_b[0]["details"]["crossing"], "in");
  EXPECT_EQ(at_b[0]["details"]["subject_step"], "translate");  // from the transit pseudonym
  // Each trail holds its own decision: A's names offence_category dropped, B's does not
  // (it never arrived); B's names the birth date dropped against A's year.
  const auto action_of = [](const json& record, const std::string& field) -> std::string {
    for (const auto& entry : record["fields"]) {
      if (entry["field"] == field) return entry["action"];
    }
    return "absent";
  };
  EXPECT_EQ(action_of(at_a[0], "offence_category"), "drop");
  EXPECT_EQ(action_of(at_a[0], "birth_date"), "year");
  EXPECT_EQ(action_of(at_b[0], "offence_category"), "absent");
  EXPECT_EQ(action_of(at_b[0], "birth_date"), "drop");
  EXPECT_EQ(action_of(at_b[0], "postcode"), "postcode4");
  EXPECT_EQ(gateway_a_->records_of_kind("delivery").back()["transaction_id"], id);

  // The person's inzage at A names the recipient with its region.
  auto inzage = tls_request(gateway_a_->port(), partner_cert("inzageportaal-voorbeeld"),
                            HttpRequest{"POST",
                                        "/v1/inzage",
                                        {{"Content-Type", "application/json"}},
                                        json{{"bsn", kBsn}}.dump()});
  ASSERT_TRUE(inzage.has_value());
  ASSERT_EQ(inzage->status, 200) << inzage->body;
  std::string named;
  const json report = inzage->json();
  for (const auto& item : report["verwerkingsacties"]) {
    if (item["actieId"] == id && item.contains("afnemerNaam")) named = item["afnemerNaam"];
  }
  EXPECT_NE(named.find("(Regio B)"), std::string::npos) << named;
}

TEST_F(FederationTest, OnePersonHasOnePseudonymAtThePeersRecipientWhoeverSends) {
  const std::string bsn = "999990020";
  std::string crossed_id;
  ASSERT_EQ(send_from_a(kMunicipalityB, bsn, &crossed_id).status, 200);
  std::string local_id;
  auto local =
      tls_request(gateway_b_->port(), partner_cert("pi-voorbeeld"),
                  message_request(kMunicipalityB, kAftercare, "2", aftercare_body(bsn), &local_id));
  ASSERT_TRUE(local.has_value());
  ASSERT_EQ(local->status, 200) << local->body;
  std::string a_local_id;
  ASSERT_EQ(send_from_a(partners::kMunicipality, bsn, &a_local_id).status, 200);

  const auto pseudonym_of = [](const std::string& id) {
    const auto received = upstream_->received_with(id);
    if (received.size() != 1) throw std::runtime_error("not delivered once: " + id);
    return json::parse(received[0].body)["subject"]["pseudonym"].get<std::string>();
  };
  EXPECT_EQ(pseudonym_of(crossed_id), pseudonym_of(local_id));
  // A's own municipality: another domain under another region's keys, another pseudonym.
  EXPECT_NE(pseudonym_of(crossed_id), pseudonym_of(a_local_id));

  // The prison is a partner of both regions with one certificate; each minimises it under
  // its own narrowing: B gives an age band and drops the housing status, A gives the year
  // and drops the offence.
  const auto data_of = [](const std::string& id) {
    return json::parse(upstream_->received_with(id).at(0).body)["data"];
  };
  const auto at_b = data_of(local_id);
  EXPECT_FALSE(at_b.contains("housing_status"));
  EXPECT_TRUE(at_b.contains("offence_category"));
  EXPECT_NE(at_b.value("birth_date", std::string()).find('-'), std::string::npos);  // "30-39"
  const auto at_a = data_of(a_local_id);
  EXPECT_EQ(at_a["housing_status"], "at_risk");
  EXPECT_FALSE(at_a.contains("offence_category"));
  EXPECT_EQ(at_a["birth_date"], "1987");
}

TEST_F(FederationTest, APurposeThatMayNotCrossIsRefusedAtAAndNeverReachesB) {
  std::string id;
  const auto reply = send_from_a(kMunicipalityB, kBsn, &id, "radicalisation-signal", "1",
                                 "politie-eenheid-voorbeeld");
  EXPECT_EQ(reply.status, 403) << reply.body;
  EXPECT_EQ(reply.json()["rule"], "region.json#/peers/0/purposes");
  EXPECT_TRUE(upstream_->received_with(id).empty());
  EXPECT_TRUE(gateway_b_->decision_records(id).empty());
  const auto at_a = gateway_a_->decision_records(id);
  ASSERT_EQ(at_a.size(), 1u);
  EXPECT_EQ(at_a[0]["outcome"], "refused");
}

TEST_F(FederationTest, QueuedForAPeerRegionTheCourierDeliversThroughItsGateway) {
  std::string id;
  auto request = message_request(kMunicipalityB, kAftercare, "2", aftercare_body(kBsn), &id);
  request.headers.emplace_back("Prefer", "respond-async");
  auto reply = tls_request(gateway_a_->port(), partner_cert("pi-voorbeeld"), request);
  ASSERT_TRUE(reply.has_value());
  ASSERT_EQ(reply->status, 202) << reply->body;
  // A handover at home; across the border the partner answers at its own region's gateway.
  EXPECT_EQ(reply->json()["handover"], false);
  std::vector<Received> received;
  for (int i = 0; i < 200 && received.empty(); ++i) {  // the courier's round: polled, 10 s at most
    received = upstream_->received_with(id);
    if (received.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].target, "/b/gemeente-oostdorp");
  EXPECT_EQ(received[0].client_oin, kGatewayB);
  EXPECT_EQ(gateway_b_->decision_records(id).size(), 1u);
}

TEST_F(FederationTest, APeerGatewayThatIsDownIsA502AndRecordedAsFailed) {
  std::string id;
  const auto reply = send_from_a(kMunicipalityC, kBsn, &id);
  EXPECT_EQ(reply.status, 502) << reply.body;
  const auto deliveries = gateway_a_->records_of_kind("delivery");
  ASSERT_FALSE(deliveries.empty());
  EXPECT_EQ(deliveries.back()["transaction_id"], id);
  EXPECT_EQ(deliveries.back()["outcome"], "failed");
}

TEST_F(FederationTest, AForgedPeerCertificateIsRefusedBeforeAnythingIsSent) {
  std::string id;
  const auto reply = send_from_a(kMunicipalityD, kBsn, &id);
  EXPECT_EQ(reply.status, 502) << reply.body;
  EXPECT_TRUE(forged_->received().empty());
}

TEST_F(FederationTest, OnlyAPeerGatewaySpeaksOnTheFederationEndpoint) {
  // The police are a partner of B, with a valid certificate of B's CA, but no peer gateway.
  std::string id;
  auto request = message_request(kMunicipalityB, kAftercare, "2", aftercare_body(kBsn), &id);
  request.target = "/v1/federation/messages";
  request.headers.emplace_back("Schakel-Sender", partners::kPrison);
  auto reply = tls_request(gateway_b_->port(), partner_cert("politie-eenheid-voorbeeld"), request);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 403) << reply->body;
  EXPECT_EQ(reply->json()["rule"], "region.json#/peers");
  // And a peer gateway speaks only for a partner its directory lists.
  request.headers.back().second = kGatewayA;
  reply = tls_request(gateway_b_->port(), cert_named("gateway-client"), request);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 403) << reply->body;
  EXPECT_EQ(reply->json()["rule"], "peer-a.json#/partners");
  EXPECT_TRUE(upstream_->received_with(id).empty());
}

// A peer gateway that lies about what it did is checked, not believed: B redacts a "redacted"
// text again, refuses a value the claimed transform cannot have given, takes no case reference
// and does not queue (the sending gateway queues, if anyone does).
TEST_F(FederationTest, WhatAPeerGatewayClaimsIsCheckedNotBelieved) {
  const json crossing = {{"pseudonym", transit_pseudonym_from_a(kBsn)}};
  const auto as_gateway_a = [&crossing](const std::string& actions, const json& data,
                                        std::vector<std::pair<std::string, std::string>> extra = {},
                                        const json& subject = {}) {
    std::string id;
    auto request = message_request(
        kMunicipalityB, kAftercare, "2",
        json{{"subject", subject.is_null() ? crossing : subject}, {"data", data}}.dump(), &id);
    request.target = "/v1/federation/messages";
    request.headers.emplace_back("Schakel-Sender", partners::kPrison);
    request.headers.emplace_back("Schakel-Field-Actions", actions);
    for (auto& header : extra) request.headers.push_back(std::move(header));
    auto reply = tls_request(gateway_b_->port(), cert_named("gateway-client"), request);
    if (!reply) throw std::runtime_error(reply.error());
    return std::pair(*reply, id);
  };
  auto [redacted, redacted_id] = as_gateway_a(
      "care_request=redact", {{"care_request", "Jan Jansen wil hulp, BSN 999990019."}});
  ASSERT_EQ(redacted.status, 200) << redacted.body;
  const auto received = upstream_->received_with(redacted_id);
  ASSERT_EQ(received.size(), 1u);
  const std::string text = json::parse(received[0].body)["data"]["care_request"];
  EXPECT_EQ(text.find("Jansen"), std::string::npos) << text;
  EXPECT_EQ(text.find(kBsn), std::string::npos) << text;

  auto [lie, lie_id] = as_gateway_a("postcode=postcode4", {{"postcode", "3511 AB"}});
  EXPECT_EQ(lie.status, 422) << lie.body;
  EXPECT_EQ(lie.json()["rule"], "region.json#/peers/0");
  EXPECT_TRUE(upstream_->received_with(lie_id).empty());
  auto [wrong_type, wrong_type_id] =
      as_gateway_a("birth_date=pseudonymise", {{"birth_date", {{"bsn", kBsn}}}});
  EXPECT_EQ(wrong_type.status, 400) << wrong_type.body;
  EXPECT_TRUE(upstream_->received_with(wrong_type_id).empty());

  auto [with_case, case_id] =
      as_gateway_a("", {{"detention_release_date", "2026-12-01"}}, {{"Schakel-Case", "zaak/123"}});
  EXPECT_EQ(with_case.status, 400) << with_case.body;
  EXPECT_TRUE(upstream_->received_with(case_id).empty());
  // Bytes that are no UTF-8, or a personal value, where a field name belongs: refused unechoed.
  auto [garbled, garbled_id] = as_gateway_a("birth_date\xff\xfe=year,jan.jansen=keep",
                                            {{"detention_release_date", "2026-12-01"}});
  EXPECT_EQ(garbled.status, 400) << garbled.body;
  EXPECT_EQ(garbled.body.find("jansen"), std::string::npos);
  EXPECT_EQ(garbled.body.find('\xff'), std::string::npos);
  EXPECT_TRUE(upstream_->received_with(garbled_id).empty());
  EXPECT_EQ(gateway_b_->log().find("jansen"), std::string::npos);

  auto [async, async_id] =
      as_gateway_a("", {{"detention_release_date", "2026-12-01"}}, {{"Prefer", "respond-async"}});
  EXPECT_EQ(async.status, 200) << async.body;
  EXPECT_EQ(async.header("Preference-Applied"), "");
  EXPECT_EQ(upstream_->received_with(async_id).size(), 1u);
}

TEST_F(FederationTest, ACaseReferenceDoesNotCrossBetweenRegions) {
  std::string id;
  auto request = message_request(kMunicipalityB, kAftercare, "2", aftercare_body(kBsn), &id);
  request.headers.emplace_back("Schakel-Case", "nazorg/2026/17");
  auto reply = tls_request(gateway_a_->port(), partner_cert("pi-voorbeeld"), request);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 400) << reply->body;
  EXPECT_EQ(reply->json()["rule"], "region.json#/peers/0");
  EXPECT_TRUE(upstream_->received_with(id).empty());
}

// Signals across regions: a partner of each region involved with one person under a purpose
// that crosses both ways; each side learns of the other only as its own region's pairs allow.
class FederationSignalsTest : public FederationTest {
 protected:
  static HttpResult signal(std::uint16_t port, const char* partner, const std::string& bsn) {
    const json body = {{"subject", {{"bsn", bsn}}},
                       {"purpose", kConsultation},
                       {"contact", std::string("team@") + partner + ".example"}};
    auto reply = tls_request(
        port, partner_cert(partner),
        HttpRequest{"POST", "/v1/signals", {{"Content-Type", "application/json"}}, body.dump()});
    if (!reply) throw std::runtime_error(reply.error());
    return *reply;
  }
  // The match notifications that reached `target` about `partner_oin`, polled up to 15 s.
  static std::vector<json> matches_at(const std::string& target, const std::string& partner_oin,
                                      std::size_t at_least = 1) {
    std::vector<json> found;
    for (int i = 0; i < 300; ++i) {
      found.clear();
      for (const auto& received : upstream_->received()) {
        if (received.target != target || received.header("Schakel-Notification") != "match") {
          continue;
        }
        auto body = json::parse(received.body);
        if (body["partner"]["oin"] == partner_oin) found.push_back(std::move(body));
      }
      if (found.size() >= at_least) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return found;
  }
};

TEST_F(FederationSignalsTest, PartnersOfTwoRegionsInvolvedWithOnePersonBothLearnOfIt) {
  const std::string bsn = "999990032";
  ASSERT_EQ(signal(gateway_a_->port(), "politie-eenheid-voorbeeld", bsn).status, 201);
  const auto registered = signal(gateway_b_->port(), "ggz-voorbeeld", bsn);
  ASSERT_EQ(registered.status, 201) << registered.body;
  EXPECT_EQ(registered.json()["matches"], 0);  // nobody in B: A finds the match

  // Found by A (B's ask met the police's signal) and maybe by B too (A's ask, if it came
  // after the GGZ's signal): one match, one id, whichever gateway found it.
  const auto at_police = matches_at("/a/politie-eenheid-voorbeeld", partners::kMentalHealth);
  ASSERT_FALSE(at_police.empty());
  EXPECT_EQ(at_police[0]["region"], "Regio B");
  EXPECT_EQ(at_police[0]["contact"], "team@ggz-voorbeeld.example");
  const auto at_ggz = matches_at("/b/ggz-voorbeeld", partners::kPolice);
  ASSERT_FALSE(at_ggz.empty());
  EXPECT_EQ(at_ggz[0]["region"], "Regio A");
  for (const auto& seen : {at_police, at_ggz}) {
    for (const auto& notification : seen) EXPECT_EQ(notification["match"], at_police[0]["match"]);
  }
  EXPECT_EQ(at_ggz[0]["match"], at_police[0]["match"]);
  // Each in its own pseudonym domain of its own region; no BSN anywhere on the way.
  EXPECT_NE(at_police[0]["subject"]["pseudonym"], at_ggz[0]["subject"]["pseudonym"]);
  for (const auto& received : upstream_->received()) {
    EXPECT_EQ(received.all_bytes().find(bsn), std::string::npos) << received.target;
  }
  EXPECT_FALSE(at_ggz[0].contains("via"));
  // Both trails: A's match (crossing in), B's acceptance of it.
  bool recorded_at_a = false;
  for (const auto& match : gateway_a_->records_of_kind("match")) {
    recorded_at_a |= match["details"]["match"] == at_police[0]["match"] &&
                     match["details"]["peer_region"] == "regio-b";
  }
  EXPECT_TRUE(recorded_at_a);
  bool recorded_at_b = false;
  for (const auto& record : gateway_b_->records_of_kind("signal")) {
    recorded_at_b |= record["outcome"] == "peer-match" && record["sender"] == partners::kPolice;
  }
  EXPECT_TRUE(recorded_at_b);
}

TEST_F(FederationSignalsTest, EachSideLearnsOnlyWhatItsOwnRegionsPairsAllow) {
  // A pairs the police with probation; B does not (its narrowing): the police in A
  // learn of probation in B, probation in B learns nothing of the police in A.
  const std::string bsn = "999990044";
  ASSERT_EQ(signal(gateway_a_->port(), "politie-eenheid-voorbeeld", bsn).status, 201);
  ASSERT_EQ(signal(gateway_b_->port(), "reclassering-voorbeeld", bsn).status, 201);
  const auto at_police = matches_at("/a/politie-eenheid-voorbeeld", partners::kProbation);
  ASSERT_FALSE(at_police.empty());
  EXPECT_EQ(at_police[0]["region"], "Regio B");
  // A's notifier gives the peer-match up once B refuses it; only then is "nothing" certain.
  bool given_up = false;
  for (int i = 0; i < 300 && !given_up; ++i) {
    for (const auto& record : gateway_a_->records_of_kind("notification")) {
      given_up |= record["details"]["notification"] == "peer-match" &&
                  record["details"].value("given_up", "") == "the peer region's gateway refused it";
    }
    if (!given_up) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(given_up);
  EXPECT_TRUE(matches_at("/b/reclassering-voorbeeld", partners::kPolice, 0).empty());
}

TEST_F(FederationSignalsTest, AnAskForAWithdrawnSignalIsNotSentWhenThePeerIsBack) {
  // Region C is down: A's ask about the police's signal waits; withdrawn meanwhile, it is
  // given up at its next attempt instead of telling C about a signal that no longer is.
  const auto registered = signal(gateway_a_->port(), "politie-eenheid-voorbeeld", "999990068");
  ASSERT_EQ(registered.status, 201) << registered.body;
  const std::string id = registered.json()["signal"];
  HttpRequest withdraw{"DELETE", "/v1/signals/" + id, {}, ""};
  auto withdrawn =
      tls_request(gateway_a_->port(), partner_cert("politie-eenheid-voorbeeld"), withdraw);
  ASSERT_TRUE(withdrawn.has_value());
  ASSERT_EQ(withdrawn->status, 200) << withdrawn->body;
  bool given_up = false;
  for (int i = 0; i < 300 && !given_up; ++i) {  // the retry after 2 s: polled, 15 s at most
    for (const auto& record : gateway_a_->records_of_kind("notification")) {
      given_up |= record["details"]["notification"] == "peer-signal" &&
                  record["details"]["reference"] == id &&
                  record["details"].value("given_up", "") ==
                      "the signal ended, or its purpose no longer crosses";
    }
    if (!given_up) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(given_up);
}

TEST_F(FederationSignalsTest, NoPeerCanNotifyAPartnerThatIsNotInvolved) {
  // Gateway A, with its own keys, names a person in the A-B transit domain and claims a match
  // for B's GGZ, which registered nothing about them: refused, and the GGZ hears nothing.
  const std::string transit = transit_pseudonym_from_a("999990056");
  const json body = {
      {"type", "match"},
      {"match", "01a21d06-3e82-7b62-b084-78563e73422e"},
      {"purpose", kConsultation},
      {"themes", json::array()},
      {"date", "2026-11-27"},
      {"partner", {{"oin", partners::kPolice}, {"name", "Politie"}, {"role", "police"}}},
      {"contact", "team@politie-eenheid-voorbeeld.example"},
      {"subject", {{"pseudonym", transit}}}};
  HttpRequest request{
      "POST",
      "/v1/federation/notifications",
      {{"Content-Type", "application/json"}, {"Schakel-Recipient", partners::kMentalHealth}},
      body.dump()};
  auto reply = tls_request(gateway_b_->port(), cert_named("gateway-client"), request);
  ASSERT_TRUE(reply.has_value());
  // Accepted as any match would be (the peer learns nothing of who is involved here) ...
  EXPECT_EQ(reply->status, 200) << reply->body;
  EXPECT_EQ(reply->json()["accepted"], true) << reply->body;
  // ... but the GGZ hears nothing, and B's trail says why, naming the peer's gateway.
  bool recorded = false;
  for (const auto& record : gateway_b_->records_of_kind("signal")) {
    recorded |= record["outcome"] == "peer-match" &&
                record["details"].value("notified", "") == "no: no active signal" &&
                record["details"].value("peer_gateway", "") == kGatewayA;
  }
  EXPECT_TRUE(recorded);
  // Between gateways the person is never a BSN.
  json with_bsn = body;
  with_bsn["subject"] = {{"bsn", "999990056"}};
  request.body = with_bsn.dump();
  reply = tls_request(gateway_b_->port(), cert_named("gateway-client"), request);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 422) << reply->body;
  request.body = body.dump();
  // A partner's own certificate is no peer gateway on this endpoint.
  reply = tls_request(gateway_b_->port(), partner_cert("politie-eenheid-voorbeeld"), request);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 403) << reply->body;
}

TEST_F(FederationTest, NoBsnCrossesExceptUnderAPurposeThatPassesIt) {
  std::string pseudonymised;
  ASSERT_EQ(send_from_a(kMunicipalityB, kBsn, &pseudonymised).status, 200);
  for (const auto& received : upstream_->received_with(pseudonymised)) {
    EXPECT_EQ(received.all_bytes().find(kBsn), std::string::npos);
  }
  // criminal-case-referral passes the BSN to the prosecutor: it crosses, to B's prosecutor only.
  const std::string body =
      json{{"subject", {{"bsn", kBsn}}},
           {"data", {{"incident_date", "2026-11-20"}, {"incident_code", "E33"}}}}
          .dump();
  std::string referral;
  auto reply =
      tls_request(gateway_a_->port(), partner_cert("politie-eenheid-voorbeeld"),
                  message_request(kProsecutorB, "criminal-case-referral", "1", body, &referral));
  ASSERT_TRUE(reply.has_value());
  ASSERT_EQ(reply->status, 200) << reply->body;
  const auto received = upstream_->received_with(referral);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(json::parse(received[0].body)["subject"]["bsn"], kBsn);
  // Neither trail holds the BSN, whatever crossed.
  EXPECT_EQ(gateway_a_->everything_written().find(kBsn), std::string::npos);
  EXPECT_EQ(gateway_b_->everything_written().find(kBsn), std::string::npos);
}

}  // namespace
}  // namespace schakel::testing
