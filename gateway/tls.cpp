#include "gateway/tls.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace schakel::gateway {
namespace {

constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr unsigned char kSessionContext[] = "schakel";

using ContextResult = std::expected<std::unique_ptr<ssl::context>, std::string>;

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

std::string subject_entry(X509_NAME* name, int nid) {
  const int index = X509_NAME_get_index_by_NID(name, nid, -1);
  if (index < 0) return {};
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  const int length = ASN1_STRING_to_UTF8(&utf8, data);
  if (length < 0) return {};
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(length));
  OPENSSL_free(utf8);
  return out;
}

}  // namespace

ContextResult make_server_context(const TlsFiles& files) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  if (auto ok = harden(*context); !ok) return std::unexpected(ok.error());
  SSL_CTX_set_options(context->native_handle(), SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (auto ok = load_identity(*context, "server", files.server_cert, files.server_key); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = load_trust(*context, files.ca); !ok) return std::unexpected(ok.error());
  context->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  SSL_CTX_set_session_id_context(context->native_handle(), kSessionContext,
                                 sizeof kSessionContext - 1);
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

PeerIdentity peer_identity(ssl_st* connection) {
  PeerIdentity identity;
  X509* cert = SSL_get0_peer_certificate(connection);
  if (!cert || SSL_get_verify_result(connection) != X509_V_OK) return identity;
  X509_NAME* subject = X509_get_subject_name(cert);
  identity.oin = subject_entry(subject, NID_serialNumber);
  identity.organisation = subject_entry(subject, NID_organizationName);
  return identity;
}

}  // namespace schakel::gateway
