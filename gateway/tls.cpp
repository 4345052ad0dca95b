#include "gateway/tls.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "common/directory.hpp"

namespace schakel::gateway {

namespace ssl = boost::asio::ssl;
namespace {

constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

using ContextResult = std::expected<std::unique_ptr<ssl::context>, std::string>;
using Crl = std::unique_ptr<X509_CRL, decltype(&X509_CRL_free)>;
using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;

std::string describe(const char* what, const std::filesystem::path& file,
                     const boost::system::error_code& ec) {
  return std::string("cannot load ") + what + " " + file.string() + ": " + ec.message();
}

std::expected<void, std::string> harden(ssl::context& context) {
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                      ssl::context::single_dh_use | SSL_OP_NO_RENEGOTIATION |
                      SSL_OP_NO_COMPRESSION);
  SSL_CTX* native = context.native_handle();
  // Idle keep-alive connections give their 34 KB of record buffers back.
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1) {
    return std::unexpected("cannot restrict TLS versions and cipher suites");
  }
  return {};
}

// Every connection a full handshake: no tickets (TLS 1.2 and 1.3), no cache.
std::expected<void, std::string> disable_resumption(SSL_CTX* native) {
  SSL_CTX_set_options(native, SSL_OP_NO_TICKET);
  SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
  if (SSL_CTX_set_num_tickets(native, 0) != 1) {
    return std::unexpected("cannot turn off TLS session tickets");
  }
  return {};
}

std::expected<void, std::string> load_identity(ssl::context& context, const char* role,
                                               const std::filesystem::path& cert,
                                               const std::filesystem::path& key) {
  boost::system::error_code ec;
  context.use_certificate_chain_file(cert.string(), ec);
  if (ec) return std::unexpected(describe((std::string(role) + " certificate").c_str(), cert, ec));
  context.use_private_key_file(key.string(), ssl::context::pem, ec);
  if (ec) return std::unexpected(describe((std::string(role) + " key").c_str(), key, ec));
  if (SSL_CTX_check_private_key(context.native_handle()) != 1) {
    return std::unexpected(key.string() + " does not match " + cert.string());
  }
  return {};
}

std::expected<void, std::string> load_trust(ssl::context& context,
                                            const std::filesystem::path& ca) {
  boost::system::error_code ec;
  context.load_verify_file(ca.string(), ec);
  if (ec) return std::unexpected(describe("CA certificate", ca, ec));
  return {};
}

// --- certificate identity -------------------------------------------------

// The one value of `nid` in `name`: nullopt when absent, an error when repeated.
std::expected<std::optional<std::string>, std::string> single_entry(X509_NAME* name, int nid,
                                                                    const char* label) {
  const int index = X509_NAME_get_index_by_NID(name, nid, -1);
  if (index < 0) return std::nullopt;
  if (X509_NAME_get_index_by_NID(name, nid, index) >= 0) {
    return std::unexpected(std::string("the Subject holds more than one ") + label);
  }
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  const int length = ASN1_STRING_to_UTF8(&utf8, data);
  if (length < 0) return std::unexpected(std::string("the Subject's ") + label + " is not text");
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(length));
  OPENSSL_free(utf8);
  return out;
}

std::optional<std::chrono::system_clock::time_point> time_point_of(const ASN1_TIME* time) {
  std::tm parts{};
  if (!time || ASN1_TIME_to_tm(time, &parts) != 1) return std::nullopt;
  namespace chrono = std::chrono;
  const chrono::sys_days date{chrono::year{parts.tm_year + 1900} /
                              chrono::month{static_cast<unsigned>(parts.tm_mon + 1)} /
                              chrono::day{static_cast<unsigned>(parts.tm_mday)}};
  return date + chrono::hours{parts.tm_hour} + chrono::minutes{parts.tm_min} +
         chrono::seconds{parts.tm_sec};
}

// Refuses what the identity check would refuse, failing the handshake.
int verify_partner(int preverified, X509_STORE_CTX* store) {
  if (preverified != 1) return 0;
  if (X509_STORE_CTX_get_error_depth(store) != 0) return 1;
  if (certificate_identity(X509_STORE_CTX_get_current_cert(store))) return 1;
  X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
  return 0;
}

// --- revocation lists -----------------------------------------------------

std::expected<std::vector<std::filesystem::path>, std::string> crl_files(
    const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) return std::vector{path};
  auto entries = list_directory(path);
  if (!entries) return std::unexpected("cannot read the CRL directory: " + entries.error());
  std::vector<std::filesystem::path> files;
  for (const auto& entry : *entries) {
    const auto extension = entry.path().extension();
    std::error_code type_error;
    if (entry.is_regular_file(type_error) && (extension == ".crl" || extension == ".pem")) {
      files.push_back(entry.path());
    }
  }
  if (files.empty())
    return std::unexpected("CRL directory " + path.string() + " holds no .crl or .pem file");
  std::sort(files.begin(), files.end());
  return files;
}

// PEM reading stopped where no further PEM block begins (not at a broken one).
bool pem_ended_cleanly() {
  const unsigned long error = ERR_peek_last_error();
  ERR_clear_error();
  return ERR_GET_LIB(error) == ERR_LIB_PEM && ERR_GET_REASON(error) == PEM_R_NO_START_LINE;
}

// The CRLs of one file: any number in PEM, or one in DER.
std::expected<std::vector<Crl>, std::string> read_crls(const std::filesystem::path& file) {
  Bio bio(BIO_new_file(file.c_str(), "rb"), &BIO_free);
  if (!bio) {
    ERR_clear_error();
    return std::unexpected("cannot read CRL file " + file.string());
  }
  std::vector<Crl> crls;
  while (X509_CRL* crl = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr)) {
    crls.emplace_back(crl, &X509_CRL_free);
  }
  const bool clean = pem_ended_cleanly();
  if (!clean) return std::unexpected("CRL file " + file.string() + " holds a broken PEM block");
  if (crls.empty() && BIO_reset(bio.get()) == 0) {
    if (X509_CRL* crl = d2i_X509_CRL_bio(bio.get(), nullptr))
      crls.emplace_back(crl, &X509_CRL_free);
    ERR_clear_error();
  }
  if (crls.empty()) {
    return std::unexpected("CRL file " + file.string() + " holds no CRL (PEM or DER)");
  }
  return crls;
}

std::string name_text(X509_NAME* name) {
  Bio bio(BIO_new(BIO_s_mem()), &BIO_free);
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

std::vector<X509*> trusted_cas(X509_STORE* store) {
  std::vector<X509*> cas;
  STACK_OF(X509_OBJECT)* objects = X509_STORE_get0_objects(store);
  for (int i = 0; i < sk_X509_OBJECT_num(objects); ++i) {
    if (X509* ca = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objects, i))) cas.push_back(ca);
  }
  return cas;
}

bool issued_by(X509_CRL* crl, X509* ca) {
  return X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(ca)) == 0 &&
         X509_CRL_verify(crl, X509_get0_pubkey(ca)) == 1;
}

// A CRL the handshakes could use: current, and signed by its issuer when that
// issuer is a CA of the CA file (other issuers' CRLs are checked in use).
std::expected<void, std::string> check_crl(X509_CRL* crl, const std::vector<X509*>& cas,
                                           const std::filesystem::path& file) {
  const std::string issuer = name_text(X509_CRL_get_issuer(crl));
  const ASN1_TIME* next_update = X509_CRL_get0_nextUpdate(crl);
  // X509_cmp_current_time: -1 at or before now, 1 after, 0 unreadable.
  if (X509_cmp_current_time(X509_CRL_get0_lastUpdate(crl)) != -1) {
    return std::unexpected("the CRL of " + issuer + " in " + file.string() + " is not yet valid");
  }
  if (next_update && X509_cmp_current_time(next_update) != 1) {
    return std::unexpected("the CRL of " + issuer + " in " + file.string() +
                           " has expired (nextUpdate passed): fetch a new one");
  }
  for (X509* ca : cas) {
    if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(ca)) == 0 &&
        !issued_by(crl, ca)) {
      return std::unexpected("the CRL of " + issuer + " in " + file.string() +
                             " does not verify against that CA's key");
    }
  }
  return {};
}

std::expected<void, std::string> load_crls(SSL_CTX* native, const TlsFiles& files) {
  auto paths = crl_files(files.crl);
  if (!paths) return std::unexpected(paths.error());
  X509_STORE* store = SSL_CTX_get_cert_store(native);
  const auto cas = trusted_cas(store);
  std::vector<Crl> loaded;
  for (const auto& file : *paths) {
    auto crls = read_crls(file);
    if (!crls) return std::unexpected(crls.error());
    for (auto& crl : *crls) {
      if (auto ok = check_crl(crl.get(), cas, file); !ok) return ok;
      if (X509_STORE_add_crl(store, crl.get()) != 1) {
        return std::unexpected("cannot use the CRLs of " + file.string());
      }
      loaded.push_back(std::move(crl));
    }
  }
  for (X509* ca : cas) {
    const bool covered = std::any_of(loaded.begin(), loaded.end(),
                                     [ca](const Crl& crl) { return issued_by(crl.get(), ca); });
    if (!covered) {
      return std::unexpected(files.crl.string() + " holds no CRL of " +
                             name_text(X509_get_subject_name(ca)) + " from " + files.ca.string());
    }
  }
  X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
  return {};
}

}  // namespace

ContextResult make_server_context(const TlsFiles& files, ClientCertificates client) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  if (auto ok = harden(*context); !ok) return std::unexpected(ok.error());
  SSL_CTX* native = context->native_handle();
  SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (auto ok = disable_resumption(native); !ok) return std::unexpected(ok.error());
  if (auto ok = load_identity(*context, "server", files.server_cert, files.server_key); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = load_trust(*context, files.ca); !ok) return std::unexpected(ok.error());
  if (!files.crl.empty()) {
    if (auto ok = load_crls(native, files); !ok) return std::unexpected(ok.error());
  }
  SSL_CTX_set_verify(native,
                     client == ClientCertificates::kRequired
                         ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT
                         : SSL_VERIFY_PEER,
                     &verify_partner);
  return context;
}

ContextResult make_client_context(const TlsFiles& files) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
  if (auto ok = harden(*context); !ok) return std::unexpected(ok.error());
  if (auto ok = load_identity(*context, "client", files.client_cert, files.client_key); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = load_trust(*context, files.ca); !ok) return std::unexpected(ok.error());
  context->set_verify_mode(ssl::verify_peer);
  return context;
}

std::expected<PeerIdentity, std::string> certificate_identity(X509* certificate) {
  if (!certificate) return std::unexpected("no certificate");
  if ((X509_get_extension_flags(certificate) & EXFLAG_CA) != 0) {
    return std::unexpected("the certificate is a CA (basicConstraints CA:TRUE)");
  }
  X509_NAME* subject = X509_get_subject_name(certificate);
  auto oin = single_entry(subject, NID_serialNumber, "serialNumber");
  if (!oin) return std::unexpected(oin.error());
  auto organisation = single_entry(subject, NID_organizationName, "O");
  if (!organisation) return std::unexpected(organisation.error());
  auto common_name = single_entry(subject, NID_commonName, "CN");
  if (!common_name) return std::unexpected(common_name.error());
  const auto not_before = time_point_of(X509_get0_notBefore(certificate));
  const auto not_after = time_point_of(X509_get0_notAfter(certificate));
  if (!not_before || !not_after) return std::unexpected("the validity period does not parse");
  return PeerIdentity{oin->value_or(""), organisation->value_or(""), common_name->value_or(""),
                      *not_before, *not_after};
}

PeerIdentity peer_identity(ssl_st* connection) {
  X509* certificate = SSL_get0_peer_certificate(connection);
  if (!certificate || SSL_get_verify_result(connection) != X509_V_OK) return {};
  auto identity = certificate_identity(certificate);
  return identity ? std::move(*identity) : PeerIdentity{};
}

}  // namespace schakel::gateway
