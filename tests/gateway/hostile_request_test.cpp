// Issue 9's hostile requests, each sent as raw bytes over a real TLS
// connection with a partner's certificate: the gateway answers with the
// right problem, forwards nothing, writes nothing personal, and stays up.
#include <gtest/gtest.h>

#include <fstream>

#include "audit/verify.hpp"
#include "gateway/envelope.hpp"
#include "tests/support/client.hpp"
#include "tests/support/gateway_suite.hpp"
#include "tests/support/peers.hpp"
#include "tests/support/process.hpp"
#include "tests/support/raw_tls.hpp"
#include "tests/support/test_gateway.hpp"

namespace schakel::testing {
namespace {

constexpr const char* kBsn = "999990019";

struct Head {
  std::string id = gateway::new_transaction_id();
  std::vector<std::pair<std::string, std::string>> headers;
  std::string text(const std::string& framing) const {
    std::string out = "POST /v1/messages HTTP/1.1\r\n";
    for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
    return out + framing + "\r\n";
  }
};

Head standard_head(bool with_host = true) {
  Head head;
  if (with_host) head.headers.emplace_back("Host", "localhost");
  head.headers.insert(head.headers.end(), {{"Content-Type", "application/json"},
                                           {"Schakel-Recipient", partners::kMentalHealth},
                                           {"Schakel-Purpose", "e33-confused-behaviour"},
                                           {"Schakel-Level", "2"},
                                           {"Fsc-Transaction-Id", head.id},
                                           {"Connection", "close"}});
  return head;
}

std::string e33_body() {
  return read_file(example_message("e33-signal.json"));
}

std::string with_length(const Head& head, const std::string& body) {
  return head.text("Content-Length: " + std::to_string(body.size()) + "\r\n") + body;
}

std::string chunked(const Head& head, const std::string& body, const std::string& after_last) {
  std::ostringstream size;
  size << std::hex << body.size();
  return head.text("Transfer-Encoding: chunked\r\n") + size.str() + "\r\n" + body + "\r\n0\r\n" +
         after_last + "\r\n";
}

class HostileRequestTest : public GatewaySuite {
 protected:
  void TearDown() override {
    auto health = plain_get(gateway_->admin_port(), "/healthz");
    ASSERT_TRUE(health.has_value()) << "the gateway stopped";
    EXPECT_EQ(health->status, 200);
    GatewaySuite::TearDown();  // the chain still verifies
    // Nothing personal anywhere the gateway writes (the trail's write-ahead log included).
    EXPECT_EQ(gateway_->everything_written().find(kBsn), std::string::npos);
  }

  // Sends `bytes` as the police partner; returns everything the gateway answered.
  static std::string exchange(const std::string& bytes, const std::string& until = {}) {
    RawTlsConnection connection(gateway_->port(), partner_cert("politie-eenheid-voorbeeld"));
    EXPECT_TRUE(connection.connected());
    connection.send(bytes);
    return connection.receive(until);
  }

  // The reply is the problem, and nothing was forwarded under that id.
  static void expect_problem(const std::string& reply, int status, const std::string& problem,
                             const std::string& id) {
    EXPECT_EQ(first_status(reply), status) << reply;
    auto body = nlohmann::json::parse(last_body(reply), nullptr, false);
    EXPECT_EQ(body.value("type", ""), "urn:schakel:problem:" + problem) << reply;
    EXPECT_EQ(reply.find(kBsn), std::string::npos) << "the reply echoes input";
    EXPECT_TRUE(upstream_->received_with(id).empty()) << "forwarded anyway";
  }
};

TEST_F(HostileRequestTest, AWellFormedRawRequestIsDelivered) {
  const Head head = standard_head();
  const auto reply = exchange(with_length(head, e33_body()));
  EXPECT_EQ(first_status(reply), 200) << reply;
  EXPECT_EQ(upstream_->received_with(head.id).size(), 1u);
  const Head head2 = standard_head();
  EXPECT_EQ(first_status(exchange(chunked(head2, e33_body(), ""))), 200);
}

TEST_F(HostileRequestTest, ChunkedTrailersAreRefusedWhateverTheirSize) {
  for (const std::size_t size : {std::size_t{8}, std::size_t{60'000}, std::size_t{70'000}}) {
    const Head head = standard_head();
    const auto reply =
        exchange(chunked(head, e33_body(), "X-Trailer: " + std::string(size, 'a') + "\r\n"));
    EXPECT_GE(first_status(reply), 400) << size;
    EXPECT_LT(first_status(reply), 500) << size;
    EXPECT_TRUE(upstream_->received_with(head.id).empty()) << size;
  }
}

TEST_F(HostileRequestTest, ChunkExtensionsAreRefusedWithoutBuffering) {
  const Head head = standard_head();
  EXPECT_EQ(first_status(exchange(head.text("Transfer-Encoding: chunked\r\n") + "5;name=x\r\n" +
                                  "hello\r\n0\r\n\r\n")),
            400);
  const std::size_t before = resident_kib();
  RawTlsConnection connection(gateway_->port(), partner_cert("politie-eenheid-voorbeeld"));
  ASSERT_TRUE(connection.connected());
  connection.send(head.text("Transfer-Encoding: chunked\r\n") + "5;");
  const std::string block(1024 * 1024, 'e');
  for (int i = 0; i < 16 && connection.send(block); ++i) {
  }
  (void)connection.receive();
  EXPECT_LT(resident_kib(), before + 8 * 1024) << "a 16 MiB extension line was buffered";
}

TEST_F(HostileRequestTest, InvalidUtf8InTraceparentIsRefusedAndTheWriterGoesOn) {
  Head head = standard_head();
  head.headers.emplace_back("traceparent",
                            "\xff\xfe-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-\xc3\x28");
  expect_problem(exchange(with_length(head, e33_body())), 400, "invalid-header", head.id);
  auto records = gateway_->decision_records(head.id);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["foreign_operation"], "");
  const Head next = standard_head();
  EXPECT_EQ(first_status(exchange(with_length(next, e33_body()))), 200);
}

TEST_F(HostileRequestTest, TracestateNeverReachesTheRecipientOrTheTrail) {
  Head head = standard_head();
  head.headers.emplace_back("traceparent",
                            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  head.headers.emplace_back("tracestate", std::string("bsn=") + kBsn + ",name=jan");
  EXPECT_EQ(first_status(exchange(with_length(head, e33_body()))), 200);
  auto received = upstream_->received_with(head.id);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].header("tracestate"), "");
  EXPECT_EQ(received[0].all_bytes().find("jan"), std::string::npos);
}

TEST_F(HostileRequestTest, CaseReferencesThatLookLikeABsnAreRefused) {
  for (const char* value : {"0999990019", "999-990-019"}) {
    Head head = standard_head();
    head.headers.emplace_back("Schakel-Case", value);
    expect_problem(exchange(with_length(head, e33_body())), 400, "invalid-header", head.id);
    EXPECT_EQ(gateway_->everything_written().find(value), std::string::npos) << value;
  }
}

TEST_F(HostileRequestTest, DuplicateHeadersAreRefused) {
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"Schakel-Recipient", partners::kProbation},
           {"Schakel-Level", "3"},
           {"Schakel-Purpose", "e33-confused-behaviour"},
           {"schakel-purpose", "other"},
           {"Host", "elsewhere"},
           {"Content-Type", "text/csv"}}) {
    Head head = standard_head();
    head.headers.emplace_back(name, value);
    expect_problem(exchange(with_length(head, e33_body())), 400, "duplicate-header", head.id);
  }
  Head alias = standard_head();
  alias.headers.emplace_back("X-Doelbinding", "aftercare-after-detention");
  expect_problem(exchange(with_length(alias, e33_body())), 400, "invalid-header", alias.id);
}

TEST_F(HostileRequestTest, ARefusalBeforeTheBodyStillReachesTheClient) {
  // The body is left unread; the gateway drains it briefly so that closing
  // does not reset the connection before the client read the refusal.
  const Head head = standard_head();
  const std::string body(900 * 1024, ' ');  // past the test gateway's body limit
  expect_problem(exchange(with_length(head, body)), 413, "body-too-large", head.id);
}

TEST_F(HostileRequestTest, HttpOneOneWithoutHostIsRefused) {
  const Head head = standard_head(/*with_host=*/false);
  expect_problem(exchange(with_length(head, e33_body())), 400, "malformed-request", head.id);
}

TEST_F(HostileRequestTest, ExpectContinueIsAnsweredAndOtherExpectationsRefused) {
  Head head = standard_head();
  head.headers.emplace_back("Expect", "100-continue");
  const std::string body = e33_body();
  RawTlsConnection connection(gateway_->port(), partner_cert("politie-eenheid-voorbeeld"));
  ASSERT_TRUE(connection.connected());
  connection.send(head.text("Content-Length: " + std::to_string(body.size()) + "\r\n"));
  const auto interim = connection.receive("\r\n\r\n");
  EXPECT_EQ(first_status(interim), 100) << interim;
  connection.send(body);
  EXPECT_EQ(first_status(connection.receive("}")), 200);
  EXPECT_EQ(upstream_->received_with(head.id).size(), 1u);

  Head other = standard_head();
  other.headers.emplace_back("Expect", "200-ok");
  expect_problem(exchange(with_length(other, e33_body())), 417, "expectation-failed", other.id);
}

TEST_F(HostileRequestTest, CodingsTheGatewayCannotDecodeAreRefusedNotReadAsPlain) {
  for (const char* coding : {"gzip, chunked", "chunked, chunked", "gzip"}) {
    const Head head = standard_head();
    const std::string body = e33_body();
    std::ostringstream size;
    size << std::hex << body.size();
    const auto reply = exchange(head.text(std::string("Transfer-Encoding: ") + coding + "\r\n") +
                                size.str() + "\r\n" + body + "\r\n0\r\n\r\n");
    expect_problem(reply, 501, "unsupported-transfer-coding", head.id);
  }
  Head encoded = standard_head();
  encoded.headers.emplace_back("Content-Encoding", "gzip");
  expect_problem(exchange(with_length(encoded, e33_body())), 415, "unsupported-media-type",
                 encoded.id);
  Head identity = standard_head();
  identity.headers.emplace_back("Content-Encoding", "identity");
  EXPECT_EQ(first_status(exchange(with_length(identity, e33_body()))), 200);
}

TEST_F(HostileRequestTest, FoldedHeaderLinesAreRefused) {
  for (const char* fold : {"\r\n  e33-confused-behaviour", "\r\n\te33-confused-behaviour"}) {
    Head head = standard_head();
    for (auto& [name, value] : head.headers) {
      if (name == "Schakel-Purpose") value = std::string("aftercare-after-detention,") + fold;
    }
    const auto reply = exchange(with_length(head, e33_body()));
    expect_problem(reply, 400, "malformed-request", head.id);
    EXPECT_NE(last_body(reply).find("obs-fold"), std::string::npos) << reply;
  }
}

TEST_F(HostileRequestTest, AMalformedRequestIsToldWhatWasWrong) {
  const Head head = standard_head();
  const std::string body = e33_body();
  const auto bad_length = exchange(head.text("Content-Length: 12x\r\n") + body);
  expect_problem(bad_length, 400, "malformed-request", head.id);
  EXPECT_NE(last_body(bad_length).find("Content-Length"), std::string::npos) << bad_length;
  const auto bad_line = exchange("POST /v1/messages HTTP/9.9\r\nHost: x\r\n\r\n");
  EXPECT_EQ(first_status(bad_line), 400) << bad_line;
  EXPECT_NE(last_body(bad_line).find("request line"), std::string::npos) << bad_line;
}

TEST_F(HostileRequestTest, FramingThatParsersReadTwoWaysIsRefused) {
  const std::string body = e33_body();
  const Head head = standard_head();
  const auto listed = exchange(head.text("Content-Length: " + std::to_string(body.size()) + ", " +
                                         std::to_string(body.size()) + "\r\n") +
                               body);
  expect_problem(listed, 400, "malformed-request", head.id);
  Head old = standard_head();
  std::ostringstream size;
  size << std::hex << body.size();
  std::string chunked_old =
      old.text("Transfer-Encoding: chunked\r\n") + size.str() + "\r\n" + body + "\r\n0\r\n\r\n";
  chunked_old.replace(chunked_old.find("HTTP/1.1"), 8, "HTTP/1.0");
  expect_problem(exchange(chunked_old), 400, "malformed-request", old.id);
  // Bare LF line endings: answered with a refusal (before, the header
  // deadline closed the connection without a word).
  Head bare = standard_head();
  std::string lf = with_length(bare, body);
  for (auto at = lf.find("\r\n"); at != std::string::npos; at = lf.find("\r\n", at))
    lf.erase(at, 1);
  expect_problem(exchange(lf), 400, "malformed-request", bare.id);
}

TEST_F(HostileRequestTest, DuplicateJsonKeysAndHugeIntegersAreRefused) {
  const Head twice = standard_head();
  const std::string two_bsns = std::string(R"({"subject":{"bsn":"999990020","bsn":")") + kBsn +
                               R"("},"data":{"incident_code":"E33"}})";
  expect_problem(exchange(with_length(twice, two_bsns)), 400, "malformed-body", twice.id);

  const Head huge = standard_head();
  auto body = nlohmann::json::parse(e33_body());
  std::string text = body.dump();
  text.insert(text.rfind('}'), R"(,"incident_count":123456789012345678901234567890)");
  expect_problem(exchange(with_length(huge, text)), 400, "malformed-body", huge.id);
}

TEST_F(HostileRequestTest, ProblemDetailsNeverEchoMemberNames) {
  const Head head = standard_head();
  const std::string body =
      std::string(R"({"subject":{"bsn":"999990019"},"data":{},")") + kBsn + R"(":"x"})";
  const auto reply = exchange(with_length(head, body));
  expect_problem(reply, 400, "malformed-body", head.id);
}

TEST_F(HostileRequestTest, AnUnknownPurposeIsNotEchoed) {
  Head head = standard_head();
  for (auto& [name, value] : head.headers) {
    if (name == "Schakel-Purpose") value = kBsn;
  }
  expect_problem(exchange(with_length(head, e33_body())), 403, "purpose-not-permitted", head.id);
}

TEST_F(HostileRequestTest, AStrangersRefusalsAreAuditedOnlyAtItsRate) {
  int refused = 0;
  int throttled = 0;
  for (int i = 0; i < 40; ++i) {
    const Head head = standard_head();
    RawTlsConnection connection(gateway_->port(), cert_named("unknown-partner"));
    ASSERT_TRUE(connection.connected());
    connection.send(with_length(head, e33_body()));
    const auto status = first_status(connection.receive());
    refused += status == 403;
    throttled += status == 429;
  }
  EXPECT_EQ(refused + throttled, 40);
  EXPECT_GE(throttled, 20) << "a stranger's refusals were all written";
  std::size_t audited = 0;
  for (const auto& record : gateway_->records_of_kind("decision")) {
    audited += record["problem"] == "unknown-partner";
  }
  EXPECT_EQ(audited, static_cast<std::size_t>(refused));
  EXPECT_LE(audited, 20u);
}

// Issue 10: personal values written as member names reach no file the
// gateway writes — the trail counts them, the log and the recipient never see them.
TEST_F(HostileRequestTest, PersonalValuesAsMemberNamesLeaveNoTrace) {
  const std::vector<std::string> values = {"gert-jan hofstede", "g.hofstede@probe-mail.nl",
                                           "0612345678", "999990019"};
  auto body = nlohmann::json::parse(e33_body());
  for (const auto& value : values) body["data"][value] = 1;
  const Head head = standard_head();
  const auto reply = exchange(with_length(head, body.dump()));
  ASSERT_EQ(first_status(reply), 200) << reply;
  auto records = gateway_->decision_records(head.id);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["details"]["unknown_fields_dropped"], "4");
  auto received = upstream_->received_with(head.id);
  ASSERT_EQ(received.size(), 1u);
  const std::string written = gateway_->log() + gateway_->everything_written();
  for (const auto& value : values) {
    EXPECT_EQ(written.find(value), std::string::npos) << value << " was written";
    EXPECT_EQ(received[0].all_bytes().find(value), std::string::npos) << value << " was forwarded";
  }
}

}  // namespace
}  // namespace schakel::testing
