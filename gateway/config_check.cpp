#include "gateway/config_check.hpp"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>

#include "adapters/codec.hpp"
#include "crypto/key_store.hpp"
#include "gateway/settings.hpp"
#include "gateway/state.hpp"
#include "gateway/tls.hpp"
#include "policy/loader.hpp"

namespace schakel::gateway {
namespace {

using Clock = std::chrono::system_clock;

Finding error(std::string text) {
  return {Finding::Severity::kError, std::move(text)};
}
Finding warning(std::string text) {
  return {Finding::Severity::kWarning, std::move(text)};
}

std::optional<Clock::time_point> time_of(const ASN1_TIME* time) {
  std::tm tm{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) return std::nullopt;
  return Clock::from_time_t(timegm(&tm));
}

std::string date_of(Clock::time_point time) {
  const std::time_t seconds = Clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &tm);
  return text;
}

// One certificate (the n-th of `file`) at `now`.
void check_certificate(X509* certificate, const std::string& where, Clock::time_point now,
                       bool own_oin, std::vector<Finding>& findings) {
  const auto not_before = time_of(X509_get0_notBefore(certificate));
  const auto not_after = time_of(X509_get0_notAfter(certificate));
  if (!not_before || !not_after) {
    findings.push_back(error(where + ": the validity period does not parse"));
    return;
  }
  if (now < *not_before) {
    findings.push_back(error(where + ": not valid before " + date_of(*not_before)));
  } else if (now > *not_after) {
    findings.push_back(error(where + ": expired on " + date_of(*not_after)));
  } else if (*not_after - now < kExpiryWarning) {
    const auto days = std::chrono::floor<std::chrono::days>(*not_after - now).count();
    findings.push_back(warning(where + ": expires on " + date_of(*not_after) + ", in " +
                               std::to_string(days) + " days; renew it"));
  }
  if (!own_oin) return;
  auto identity = certificate_identity(certificate);
  if (!identity) {
    findings.push_back(error(where + ": " + identity.error()));
  } else if (recordable_oin(*identity).empty()) {
    findings.push_back(
        error(where + ": the Subject serialNumber must be the gateway's OIN (20 digits)"));
  }
}

// The TLS files as OpenSSL will read them: regular files (a FIFO would hang
// the reader), the CRL also a directory; private keys not open to others
// (group-readable is how the service's group reads a root-owned key).
bool check_tls_files(const TlsFiles& tls, std::vector<Finding>& findings) {
  bool readable = true;
  const auto regular = [&](const std::filesystem::path& file, bool directory_too) {
    std::error_code ec;
    const auto status = std::filesystem::status(file, ec);
    if (std::filesystem::is_regular_file(status) ||
        (directory_too && std::filesystem::is_directory(status))) {
      return true;
    }
    findings.push_back(error(file.string() + " is not a regular file"));
    readable = false;
    return false;
  };
  for (const auto* file : {&tls.ca, &tls.server_cert, &tls.client_cert}) regular(*file, false);
  if (!tls.crl.empty()) regular(tls.crl, true);
  for (const auto* key : {&tls.server_key, &tls.client_key}) {
    if (!regular(*key, false)) continue;
    std::error_code ec;
    const auto permissions = std::filesystem::status(*key, ec).permissions();
    if ((permissions & std::filesystem::perms::others_all) != std::filesystem::perms::none) {
      findings.push_back(
          error("private key " + key->string() +
                " is open to others; chmod 600 it (or 640 for the service's group)"));
    }
  }
  return readable;
}

// The certificates, keys and CRLs as serve loads them, and each certificate's dates.
void check_tls_contents(const TlsFiles& tls, Clock::time_point now,
                        std::vector<Finding>& findings) {
  if (auto server = make_server_context(tls); !server) {
    findings.push_back(error(server.error()));
  }
  if (auto client = make_client_context(tls); !client) {
    findings.push_back(error(client.error()));
  }
  for (const auto& [file, own] : {std::pair{tls.ca, false}, std::pair{tls.server_cert, false},
                                  std::pair{tls.client_cert, true}}) {
    for (auto& finding : check_certificate_file(file, now, own)) {
      findings.push_back(std::move(finding));
    }
  }
}

// The OIN in the gateway's client certificate; empty when it has none or does not read.
std::string own_oin(const TlsFiles& tls) {
  std::unique_ptr<FILE, decltype(&std::fclose)> in(std::fopen(tls.client_cert.c_str(), "rb"),
                                                   &std::fclose);
  if (!in) return {};
  std::unique_ptr<X509, decltype(&X509_free)> certificate(
      PEM_read_X509(in.get(), nullptr, nullptr, nullptr), &X509_free);
  ERR_clear_error();
  if (!certificate) return {};
  auto identity = certificate_identity(certificate.get());
  return identity ? recordable_oin(*identity) : std::string();
}

// The gateway's own OIN names neither a partner nor a peer region's gateway:
// one certificate, one identity.
void check_own_identity(const policy::Policy& policy, const std::string& oin,
                        std::vector<Finding>& findings) {
  if (oin.empty()) return;
  if (const auto* partner = policy.partner_by_oin(oin)) {
    findings.push_back(error(partner->rule + "/oin: is this gateway's own OIN (its client "
                                             "certificate): one certificate, one identity"));
  }
  for (const auto& peer : policy.peers()) {
    if (peer.gateway_oin == oin) {
      findings.push_back(error(peer.rule + "/gateway_oin: is this gateway's own OIN (its client "
                                           "certificate), not a peer region's"));
    }
  }
}

void check_settings_files(const Settings& settings, Clock::time_point now,
                          std::vector<Finding>& findings) {
  auto policy = policy::load_policy({settings.guideline, settings.region});
  if (!policy) {
    for (const auto& line : policy.error()) findings.push_back(error(line.to_string()));
  } else if (auto formats = adapters::check_formats(**policy, adapters::CodecRegistry{});
             !formats) {
    findings.push_back(error(formats.error()));
  }
  for (auto& problem : crypto::KeyStore::inspect(settings.keys_dir)) {
    findings.push_back(error(std::move(problem)));
  }
  if (check_tls_files(settings.tls, findings)) {
    check_tls_contents(settings.tls, now, findings);
    if (policy) check_own_identity(**policy, own_oin(settings.tls), findings);
  }
  if (settings.store.kind == StoreSettings::Kind::kPostgresql) {
    if (auto options = postgresql_options(settings, "schakel-check"); !options) {
      findings.push_back(error(options.error()));
    }
  }
}

}  // namespace

std::vector<Finding> check_certificate_file(const std::filesystem::path& file,
                                            Clock::time_point now, bool own_oin) {
  std::vector<Finding> findings;
  std::unique_ptr<FILE, decltype(&std::fclose)> in(std::fopen(file.c_str(), "rb"), &std::fclose);
  if (!in) return {error("cannot read certificate file " + file.string())};
  for (int index = 1;; ++index) {
    std::unique_ptr<X509, decltype(&X509_free)> certificate(
        PEM_read_X509(in.get(), nullptr, nullptr, nullptr), &X509_free);
    if (!certificate) {
      if (index == 1) findings.push_back(error(file.string() + ": no PEM certificate"));
      break;
    }
    const std::string where =
        index == 1 ? file.string() : file.string() + " (certificate " + std::to_string(index) + ")";
    check_certificate(certificate.get(), where, now, own_oin && index == 1, findings);
  }
  ERR_clear_error();
  return findings;
}

std::vector<Finding> check_configuration(const std::filesystem::path& settings_file,
                                         Clock::time_point now) {
  auto settings = load_settings(settings_file);
  if (!settings) {
    std::vector<Finding> findings;
    for (const auto& line : settings.error()) findings.push_back(error(line.to_string()));
    return findings;
  }
  std::vector<Finding> findings;
  check_settings_files(*settings, now, findings);
  return findings;
}

}  // namespace schakel::gateway
