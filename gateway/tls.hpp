#pragma once
// TLS of the gateway, from the region's PKI (TlsFiles in schakel.json). Both
// contexts accept TLS 1.2 and 1.3 only, forward-secret suites only, without
// renegotiation or compression. Bad files stop start-up (or a reload) with a
// message naming the file.
//
// The server context (partners connecting) demands a client certificate
// chained to the region's CA, and
//  - resumes no session: no tickets, no session cache. Every connection is a
//    full handshake, so its identity is the certificate presented and verified
//    in that handshake — never one carried over from an earlier handshake, a
//    certificate since expired or revoked, or another partner's;
//  - refuses ambiguous client certificates in the handshake: a Subject with
//    more than one serialNumber, O or CN, or a certificate that is a CA
//    (basicConstraints CA:TRUE);
//  - checks revocation when TlsFiles::crl is set: every CA in a partner's
//    chain needs a current CRL there (X509_V_FLAG_CRL_CHECK_ALL), or that
//    partner's handshakes fail — also when a CRL's nextUpdate passes before a
//    fresh one is reloaded (fail closed). Loading refuses a CRL that does not
//    parse, is not current, or does not verify against its issuer in the CA
//    file, and CRLs that leave a CA of the CA file without one.
// The client context presents the gateway's certificate to recipients and
// verifies theirs against the same CA (without CRLs: it is never reloaded).
//
// CRLs change while the gateway runs, so the listener holds a TlsContextHolder
// rather than a context: reload builds a new immutable context from the same
// files and swaps it in atomically, or keeps the old one and says why. Each
// connection takes a snapshot before its handshake and keeps it to its end,
// so a context is never freed under a connection (Asio's context owns what
// OpenSSL calls back into) and a reload changes the rules for new handshakes
// only. (Editing the live X509_STORE instead cannot remove a CRL without
// reaching into OpenSSL's internals.)
#include <chrono>
#include <expected>
#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "common/shared_snapshot.hpp"
#include "gateway/peer_identity.hpp"
#include "gateway/settings.hpp"

struct ssl_st;
struct x509_st;

namespace schakel::gateway {

// kOptional (the console, console/): a client that presents no certificate
// still connects (and must sign in otherwise); one that presents a
// certificate is verified as above, or the handshake fails.
enum class ClientCertificates { kRequired, kOptional };
[[nodiscard]] std::expected<std::unique_ptr<boost::asio::ssl::context>, std::string>
make_server_context(const TlsFiles& files,
                    ClientCertificates client = ClientCertificates::kRequired);
[[nodiscard]] std::expected<std::unique_ptr<boost::asio::ssl::context>, std::string>
make_client_context(const TlsFiles& files);

// The server context in force, as PolicyHolder is the policy in force.
class TlsContextHolder {
 public:
  explicit TlsContextHolder(std::shared_ptr<boost::asio::ssl::context> initial)
      : current_(std::move(initial)) {}
  [[nodiscard]] std::shared_ptr<boost::asio::ssl::context> snapshot() const {
    return current_.load();
  }
  void replace(std::shared_ptr<boost::asio::ssl::context> next) { current_.store(std::move(next)); }

 private:
  SharedSnapshot<boost::asio::ssl::context> current_;
};

// The identity a client certificate states, or why it is ambiguous.
[[nodiscard]] std::expected<PeerIdentity, std::string> certificate_identity(x509_st* certificate);

// The identity of the verified peer of `connection`; empty (no OIN) when the
// peer is not verified or its certificate is ambiguous.
[[nodiscard]] PeerIdentity peer_identity(ssl_st* connection);

}  // namespace schakel::gateway
