// Partner identity on the listener (issue 9, defects 6 and 8): a connection
// is the certificate presented in its own full handshake — never a resumed
// session — and that certificate is valid at every request, not revoked and
// not ambiguous. Through the real listener with a plain OpenSSL client, so a
// test controls protocol versions and resumption attempts.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <random>
#include <thread>

#include "audit/verify.hpp"
#include "gateway/envelope.hpp"
#include "gateway/tls.hpp"
#include "tests/support/client.hpp"
#include "tests/support/peers.hpp"
#include "tests/support/test_gateway.hpp"

namespace schakel::testing {
namespace {

using SslContextPtr = std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)>;
using SessionPtr = std::unique_ptr<SSL_SESSION, decltype(&SSL_SESSION_free)>;

constexpr const char* kPolice = "politie-eenheid-voorbeeld";
constexpr const char* kMunicipality = "gemeente-voorbeeldstad";

std::string openssl_errors() {
  std::string out;
  while (const unsigned long code = ERR_get_error()) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    out += std::string(out.empty() ? "" : "; ") + text;
  }
  return out.empty() ? "no OpenSSL error" : out;
}

// A client certificate of the region CA for the police's OIN, valid from a
// minute ago until `not_after`, written to `dir` (the test PKI has no such
// certificate: its window must be relative to the test's own clock).
ClientCert issue_police_certificate(const std::filesystem::path& dir,
                                    std::chrono::system_clock::time_point not_after) {
  auto read_pem = [](const std::filesystem::path& path, auto reader) {
    std::unique_ptr<FILE, decltype(&std::fclose)> file(std::fopen(path.c_str(), "r"), &std::fclose);
    if (!file) throw std::runtime_error("cannot read " + path.string());
    return reader(file.get(), nullptr, nullptr, nullptr);
  };
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> ca_key(
      read_pem(test_pki() / "ca.key", PEM_read_PrivateKey), &EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> ca(read_pem(test_pki() / "ca.pem", PEM_read_X509),
                                                 &X509_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), &X509_free);
  if (!ca_key || !ca || !key || !cert) throw std::runtime_error(openssl_errors());
  X509_set_version(cert.get(), X509_VERSION_3);
  ASN1_INTEGER_set_int64(X509_get_serialNumber(cert.get()),
                         static_cast<std::int64_t>(std::random_device{}() & 0x7fffffff) + 1);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(ca.get()));
  X509_NAME* subject = X509_get_subject_name(cert.get());
  auto add = [subject](int nid, const char* text) {
    X509_NAME_add_entry_by_NID(subject, nid, MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(text), -1, -1, 0);
  };
  add(NID_serialNumber, partners::kPolice);
  add(NID_organizationName, "Short-lived Police");
  add(NID_commonName, "short-lived");
  const auto now = std::chrono::system_clock::now();
  ASN1_TIME_set(X509_getm_notBefore(cert.get()),
                std::chrono::system_clock::to_time_t(now - std::chrono::minutes(1)));
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), std::chrono::system_clock::to_time_t(not_after));
  X509_set_pubkey(cert.get(), key.get());
  X509V3_CTX extensions;
  X509V3_set_ctx(&extensions, ca.get(), cert.get(), nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_basic_constraints, "CA:FALSE"},
                            std::pair{NID_key_usage, "critical,digitalSignature"},
                            std::pair{NID_ext_key_usage, "clientAuth"}}) {
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &extensions, nid, value);
    X509_add_ext(cert.get(), extension, -1);
    X509_EXTENSION_free(extension);
  }
  if (X509_sign(cert.get(), ca_key.get(), EVP_sha256()) <= 0) {
    throw std::runtime_error(openssl_errors());
  }
  const ClientCert out{dir / "short-lived.pem", dir / "short-lived.key"};
  std::unique_ptr<FILE, decltype(&std::fclose)> cert_file(std::fopen(out.cert.c_str(), "w"),
                                                          &std::fclose);
  std::unique_ptr<FILE, decltype(&std::fclose)> key_file(std::fopen(out.key.c_str(), "w"),
                                                         &std::fclose);
  if (!cert_file || !key_file || PEM_write_X509(cert_file.get(), cert.get()) != 1 ||
      PEM_write_PrivateKey(key_file.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    throw std::runtime_error("cannot write the short-lived certificate");
  }
  return out;
}

// A client context for exactly one TLS version, trusting the region CA,
// presenting `cert` when given.
SslContextPtr client_context(int version, const std::optional<ClientCert>& cert) {
  SslContextPtr context(SSL_CTX_new(TLS_client_method()), &SSL_CTX_free);
  SSL_CTX_set_min_proto_version(context.get(), version);
  SSL_CTX_set_max_proto_version(context.get(), version);
  SSL_CTX_load_verify_locations(context.get(), (test_pki() / "ca.pem").c_str(), nullptr);
  SSL_CTX_set_verify(context.get(), SSL_VERIFY_PEER, nullptr);
  SSL_CTX_set_session_cache_mode(context.get(), SSL_SESS_CACHE_CLIENT);
  if (cert) {
    EXPECT_EQ(SSL_CTX_use_certificate_chain_file(context.get(), cert->cert.c_str()), 1);
    EXPECT_EQ(SSL_CTX_use_PrivateKey_file(context.get(), cert->key.c_str(), SSL_FILETYPE_PEM), 1);
  }
  return context;
}

// One blocking TLS connection to the gateway on loopback, offering `resume`
// when given, carrying any number of HTTP/1.1 keep-alive exchanges. Reads
// time out after 15 s, so a stalled server fails the test instead of hanging it.
class Connection {
 public:
  Connection(std::uint16_t port, SSL_CTX* context, SSL_SESSION* resume = nullptr) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval timeout{15, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      error_ = "connect failed";
      return;
    }
    ssl_ = SSL_new(context);
    SSL_set_fd(ssl_, fd_);
    if (resume) SSL_set_session(ssl_, resume);
    if (SSL_connect(ssl_) != 1) error_ = "handshake: " + openssl_errors();
  }
  ~Connection() {
    if (ssl_) SSL_free(ssl_);
    if (fd_ >= 0) ::close(fd_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Empty when the client's side of the handshake succeeded (under TLS 1.3
  // the server may still refuse the client's certificate after that).
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] bool resumed() const { return ssl_ && SSL_session_reused(ssl_) == 1; }
  [[nodiscard]] SessionPtr session() const {
    return SessionPtr(ssl_ ? SSL_get1_session(ssl_) : nullptr, &SSL_SESSION_free);
  }

  [[nodiscard]] std::expected<HttpResult, std::string> exchange(const HttpRequest& request) {
    if (!error_.empty()) return std::unexpected(error_);
    std::string bytes = request.method + " " + request.target + " HTTP/1.1\r\nHost: localhost\r\n";
    for (const auto& [name, value] : request.headers) bytes += name + ": " + value + "\r\n";
    bytes += "Content-Length: " + std::to_string(request.body.size()) + "\r\n\r\n" + request.body;
    if (SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size())) <= 0) {
      return std::unexpected("write: " + openssl_errors());
    }
    return read_response();
  }

 private:
  bool fill() {
    char chunk[16 * 1024];
    const int read = SSL_read(ssl_, chunk, sizeof chunk);
    if (read <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(read));
    return true;
  }

  std::expected<HttpResult, std::string> read_response() {
    std::size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return std::unexpected("no reply: " + openssl_errors());
    }
    HttpResult result;
    std::size_t content_length = 0;
    std::size_t line_start = buffer_.find("\r\n") + 2;
    std::sscanf(buffer_.c_str(), "HTTP/1.1 %d", &result.status);
    while (line_start < head_end) {
      const std::size_t line_end = buffer_.find("\r\n", line_start);
      const std::string line = buffer_.substr(line_start, line_end - line_start);
      const std::size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      std::string value = line.substr(line.find_first_not_of(' ', colon + 1));
      if (strcasecmp(name.c_str(), "Content-Length") == 0) content_length = std::stoul(value);
      result.headers.emplace_back(std::move(name), std::move(value));
      line_start = line_end + 2;
    }
    const std::size_t body_start = head_end + 4;
    while (buffer_.size() < body_start + content_length) {
      if (!fill()) return std::unexpected("reply cut short: " + openssl_errors());
    }
    result.body = buffer_.substr(body_start, content_length);
    buffer_.erase(0, body_start + content_length);
    return result;
  }

  int fd_ = -1;
  SSL* ssl_ = nullptr;
  std::string error_;
  std::string buffer_;
};

class TlsIdentityTest : public ::testing::Test {
 protected:
  void SetUp() override { start_gateway(); }
  void TearDown() override {
    if (!gateway_) return;
    auto report = audit::verify_chain(gateway_->trail_dir());
    ASSERT_TRUE(report.has_value());
    EXPECT_TRUE(report->intact()) << report->problem;
  }

  void start_gateway(const std::function<void(gateway::Settings&)>& adjust = {}) {
    gateway_.reset();
    gateway_ = std::make_unique<TestGateway>(
        PeerPorts{upstream_.port(), silent_.port(), closed_port()}, adjust);
  }

  // The E33 signal from the police to mental health, as the police sends it.
  static HttpRequest e33(std::string& transaction_id) {
    return e33_request(partners::kMentalHealth, "2", &transaction_id);
  }

  // Sends the E33 signal over `connection`; the reply, or why there was none.
  std::expected<HttpResult, std::string> send_e33(Connection& connection, std::string& id) {
    return connection.exchange(e33(id));
  }

  // A certificate the listener must refuse: no HTTP reply, nothing forwarded, no decision.
  void expect_refused_at_handshake(const ClientCert& cert) {
    auto context = client_context(TLS1_3_VERSION, cert);
    Connection connection(gateway_->port(), context.get());
    std::string id;
    auto reply = send_e33(connection, id);
    EXPECT_FALSE(reply.has_value())
        << "served with status " << reply->status << ": " << reply->body;
    EXPECT_TRUE(upstream_.received_with(id).empty()) << "forwarded";
    EXPECT_TRUE(gateway_->decision_records(id).empty()) << "reached the pipeline";
  }

  // Delivered to mental health with the police as the sender.
  void expect_delivered_from_police(const std::expected<HttpResult, std::string>& reply,
                                    const std::string& id) {
    ASSERT_TRUE(reply.has_value()) << reply.error();
    EXPECT_EQ(reply->status, 200) << reply->body;
    auto received = upstream_.received_with(id);
    ASSERT_EQ(received.size(), 1u);
    EXPECT_EQ(received[0].header("Schakel-Sender"), partners::kPolice);
  }

  TlsUpstream upstream_;
  SilentPeer silent_;
  std::unique_ptr<TestGateway> gateway_;
};

class TlsResumptionTest : public TlsIdentityTest, public ::testing::WithParamInterface<int> {};

// Defect 6, TLS 1.3: a ticket from a partner's connection let a later
// connection without any certificate in as that partner.
TEST_P(TlsResumptionTest, ResumptionWithoutCertificateIsAFullHandshakeAndRefused) {
  auto police = client_context(GetParam(), partner_cert(kPolice));
  Connection first(gateway_->port(), police.get());
  std::string first_id;
  expect_delivered_from_police(send_e33(first, first_id), first_id);
  const SessionPtr session = first.session();

  auto anonymous = client_context(GetParam(), std::nullopt);
  Connection second(gateway_->port(), anonymous.get(), session.get());
  EXPECT_FALSE(second.resumed()) << "the server resumed a session";
  std::string id;
  auto reply = send_e33(second, id);
  EXPECT_FALSE(reply.has_value()) << "served without a certificate: " << reply->status;
  EXPECT_TRUE(upstream_.received_with(id).empty()) << "forwarded";
}

// Defect 6, TLS 1.2: a session of one partner resumed by a connection that
// presents another partner's certificate was served as the first partner.
TEST_P(TlsResumptionTest, ResumptionWithAnotherCertificateIsAFullHandshakeAsThatCertificate) {
  auto municipality = client_context(GetParam(), partner_cert(kMunicipality));
  Connection first(gateway_->port(), municipality.get());
  std::string first_id;
  ASSERT_TRUE(send_e33(first, first_id).has_value());
  const SessionPtr session = first.session();

  auto police = client_context(GetParam(), partner_cert(kPolice));
  Connection second(gateway_->port(), police.get(), session.get());
  EXPECT_FALSE(second.resumed()) << "the server resumed a session";
  std::string id;
  expect_delivered_from_police(send_e33(second, id), id);
}

INSTANTIATE_TEST_SUITE_P(TlsIdentity, TlsResumptionTest,
                         ::testing::Values(TLS1_2_VERSION, TLS1_3_VERSION),
                         [](const ::testing::TestParamInfo<int>& param) {
                           return param.param == TLS1_2_VERSION ? std::string("Tls12")
                                                                : std::string("Tls13");
                         });

// Defect 8: two serialNumber attributes in the Subject (the first won).
TEST_F(TlsIdentityTest, CertificateWithTwoSerialNumbersIsRefusedAtHandshake) {
  expect_refused_at_handshake(cert_named("double-serial"));
}

// Defect 8: a client certificate that is itself a CA.
TEST_F(TlsIdentityTest, LeafCertificateWithCaTrueIsRefusedAtHandshake) {
  expect_refused_at_handshake(cert_named("ca-leaf"));
}

// OpenSSL checks the validity period in the handshake; this keeps it so.
TEST_F(TlsIdentityTest, ExpiredCertificateIsRefusedAtHandshake) {
  expect_refused_at_handshake(cert_named("expired-partner"));
}

TEST_F(TlsIdentityTest, PartnerCertificateIsServed) {
  auto police = client_context(TLS1_3_VERSION, partner_cert(kPolice));
  Connection connection(gateway_->port(), police.get());
  std::string id;
  expect_delivered_from_police(send_e33(connection, id), id);
}

// Defect 6: the certificate's validity is checked on every request, not only
// in the handshake. It expires while its keep-alive connection idles; the next
// message on that connection is refused (audited) and nothing is forwarded,
// and the region's endpoints (status, signals, cases, handovers,
// re-identification: audited_answer.hpp) refuse it as from no partner too.
TEST_F(TlsIdentityTest, CertificateExpiringDuringTheConnectionIsRefusedOnTheNextRequest) {
  TempDir dir;
  const auto not_after = std::chrono::system_clock::now() + std::chrono::seconds(3);
  auto context = client_context(TLS1_3_VERSION, issue_police_certificate(dir.path(), not_after));
  Connection connection(gateway_->port(), context.get());
  std::string first_id;
  expect_delivered_from_police(send_e33(connection, first_id), first_id);
  const HttpRequest status{"GET", "/v1/messages/" + first_id, {}, ""};
  const auto before = connection.exchange(status);
  ASSERT_TRUE(before.has_value()) << before.error();
  // Answered as to the police (a message delivered at once has no queue status).
  EXPECT_EQ(before->status, 404) << before->body;
  EXPECT_EQ(before->json()["type"], "urn:schakel:problem:not-found");

  // notAfter holds whole seconds: wait until it has surely passed.
  std::this_thread::sleep_until(not_after + std::chrono::milliseconds(1500));
  std::string id;
  auto reply = send_e33(connection, id);
  ASSERT_TRUE(reply.has_value()) << reply.error();
  EXPECT_EQ(reply->status, 403) << reply->body;
  EXPECT_EQ(reply->json()["type"], "urn:schakel:problem:unknown-partner");
  EXPECT_TRUE(upstream_.received_with(id).empty()) << "forwarded";
  auto records = gateway_->decision_records(id);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["outcome"], "refused");
  for (const auto& request : {status, HttpRequest{"DELETE", "/v1/signals/abc", {}, ""}}) {
    const auto after = connection.exchange(request);
    ASSERT_TRUE(after.has_value()) << after.error();
    EXPECT_EQ(after->status, 403) << request.target << ": " << after->body;
    EXPECT_EQ(after->json()["type"], "urn:schakel:problem:unknown-partner") << request.target;
  }
}

// Defect 6: CRLs of the region's PKI. A revoked partner certificate is refused
// in the handshake; the partner's own certificate is still served.
TEST_F(TlsIdentityTest, RevokedCertificateIsRefusedAtHandshake) {
  start_gateway([](gateway::Settings& settings) { settings.tls.crl = test_pki() / "ca.crl"; });
  expect_refused_at_handshake(cert_named("revoked-partner"));
  auto police = client_context(TLS1_2_VERSION, partner_cert(kPolice));
  Connection connection(gateway_->port(), police.get());
  std::string id;
  expect_delivered_from_police(send_e33(connection, id), id);
}

// A reload reads the CRLs anew (here: a directory of them); new handshakes use them.
TEST_F(TlsIdentityTest, ReloadTakesUpNewCrlsForNewHandshakes) {
  TempDir dir;
  const auto crls = dir.path() / "crls";
  std::filesystem::create_directory(crls);
  std::filesystem::copy_file(test_pki() / "ca-nothing-revoked.crl", crls / "region-ca.crl");
  start_gateway([&](gateway::Settings& settings) { settings.tls.crl = crls; });
  auto revoked = client_context(TLS1_3_VERSION, cert_named("revoked-partner"));
  {
    Connection before(gateway_->port(), revoked.get());
    std::string id;
    expect_delivered_from_police(send_e33(before, id), id);
  }

  std::filesystem::copy_file(test_pki() / "ca.crl", crls / "region-ca.crl",
                             std::filesystem::copy_options::overwrite_existing);
  const auto result = gateway_->reload();
  EXPECT_TRUE(result.errors.empty()) << result.errors.front();
  expect_refused_at_handshake(cert_named("revoked-partner"));
  auto police = client_context(TLS1_3_VERSION, partner_cert(kPolice));
  Connection connection(gateway_->port(), police.get());
  std::string id;
  expect_delivered_from_police(send_e33(connection, id), id);
}

TEST_F(TlsIdentityTest, ReloadWithABadCrlKeepsTheCrlsInForceAndNamesTheFile) {
  TempDir dir;
  const auto crl = dir.path() / "region-ca.crl";
  std::filesystem::copy_file(test_pki() / "ca.crl", crl);
  start_gateway([&](gateway::Settings& settings) { settings.tls.crl = crl; });
  write_file(crl, "-----BEGIN X509 CRL-----\nnot base64\n-----END X509 CRL-----\n");
  const auto result = gateway_->reload();
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(result.errors[0].find(crl.string()), std::string::npos) << result.errors[0];
  expect_refused_at_handshake(cert_named("revoked-partner"));
}

TEST_F(TlsIdentityTest, BadCrlFileStopsStartUpNamingTheFile) {
  TempDir dir;
  const auto crl = dir.path() / "region-ca.crl";
  write_file(crl, "not a CRL\n");
  try {
    start_gateway([&](gateway::Settings& settings) { settings.tls.crl = crl; });
    ADD_FAILURE() << "started with " << crl;
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find(crl.string()), std::string::npos) << error.what();
  }
}

// Under CRL checking a CA without a CRL would fail every handshake of its partners.
TEST_F(TlsIdentityTest, CrlsWithoutOneOfTheRegionCaStopStartUp) {
  try {
    start_gateway(
        [](gateway::Settings& settings) { settings.tls.crl = test_pki() / "foreign-ca.crl"; });
    ADD_FAILURE() << "started without a CRL of the region CA";
  } catch (const std::runtime_error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("foreign-ca.crl holds no CRL of CN=Schakel Development Root CA"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("ca.pem"), std::string::npos) << message;
  }
}

using Certificate = std::unique_ptr<X509, decltype(&X509_free)>;

Certificate read_certificate(const std::string& name) {
  std::unique_ptr<FILE, decltype(&std::fclose)> file(
      std::fopen((test_pki() / (name + ".pem")).c_str(), "r"), &std::fclose);
  return Certificate(file ? PEM_read_X509(file.get(), nullptr, nullptr, nullptr) : nullptr,
                     &X509_free);
}

TEST(TlsIdentityCertificate, StatesOinOrganisationAndValidityPeriod) {
  using namespace std::chrono;
  using namespace std::chrono_literals;
  auto certificate = read_certificate("expired-partner");
  auto identity = gateway::certificate_identity(certificate.get());
  ASSERT_TRUE(identity.has_value()) << identity.error();
  EXPECT_EQ(identity->oin, partners::kPolice);
  EXPECT_EQ(identity->organisation, "Expired Police");
  const sys_seconds not_before = sys_days{2020y / January / 1};
  const sys_seconds not_after = sys_days{2020y / January / 31};
  EXPECT_EQ(identity->not_before, not_before);
  EXPECT_EQ(identity->not_after, not_after);
  EXPECT_FALSE(identity->valid_at(not_before - 1s));
  EXPECT_TRUE(identity->valid_at(not_before));
  EXPECT_TRUE(identity->valid_at(not_after));
  EXPECT_FALSE(identity->valid_at(not_after + 1s));
  EXPECT_FALSE(identity->valid_at(system_clock::now()));
}

TEST(TlsIdentityCertificate, AnUnverifiedPeerIsNeverValid) {
  const gateway::PeerIdentity anonymous;
  EXPECT_FALSE(anonymous.valid_at(std::chrono::system_clock::now()));
  EXPECT_FALSE(anonymous.valid_at(std::chrono::system_clock::time_point{}));
}

TEST(TlsIdentityCertificate, AmbiguousCertificatesStateNoIdentity) {
  auto two_serials = gateway::certificate_identity(read_certificate("double-serial").get());
  ASSERT_FALSE(two_serials.has_value());
  EXPECT_NE(two_serials.error().find("more than one serialNumber"), std::string::npos);
  auto ca = gateway::certificate_identity(read_certificate("ca-leaf").get());
  ASSERT_FALSE(ca.has_value());
  EXPECT_NE(ca.error().find("CA:TRUE"), std::string::npos);
}

TEST(TlsIdentitySettings, CrlIsOptionalAndResolvedAgainstTheSettingsFile) {
  TempDir dir;
  const std::string base = R"({"guideline": "g.json", "region": "r.json", "keys": "k",
    "data_dir": "d", "listen": {"address": "127.0.0.1", "port": 0},
    "admin": {"address": "127.0.0.1", "port": 0},
    "tls": {"ca": "ca.pem", "server_cert": "s.pem", "server_key": "s.key",
            "client_cert": "c.pem", "client_key": "c.key")";
  write_file(dir.path() / "without.json", base + "}}");
  write_file(dir.path() / "with.json", base + R"(, "crl": "pki/crls"}})");
  auto without = gateway::load_settings(dir.path() / "without.json");
  ASSERT_TRUE(without.has_value());
  EXPECT_TRUE(without->tls.crl.empty());
  auto with = gateway::load_settings(dir.path() / "with.json");
  ASSERT_TRUE(with.has_value());
  EXPECT_EQ(with->tls.crl, dir.path() / "pki/crls");
}

}  // namespace
}  // namespace schakel::testing
