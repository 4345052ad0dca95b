#pragma once
// `schakel check` (issue 18): what `schakel serve` would refuse at start-up,
// found without starting — the settings, the policy (with each peer region's
// signed directory verified) and the partners' formats, the key directory, the TLS files
// (certificates, keys, CRLs; each a regular file, private keys not open to others), the database
// password file, the gateway's own OIN being no partner's or peer gateway's — and what will fail
// soon: a certificate that expires within kExpiryWarning. Every problem is listed, not the first.
// Reads only: no listener, no trail, no database session, no key made, so it
// runs beside a serving gateway (before a reload) and in a region's CI.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace schakel::gateway {

inline constexpr std::chrono::days kExpiryWarning{30};

struct Finding {
  enum class Severity { kError, kWarning };
  Severity severity;
  std::string text;  // names the file (and JSON pointer) it is about; never a key or password
};

[[nodiscard]] std::vector<Finding> check_configuration(const std::filesystem::path& settings_file,
                                                       std::chrono::system_clock::time_point now);

// The certificates of one PEM file at `now`: an error for one expired or not
// yet valid, a warning for one that expires within kExpiryWarning. With
// `own_oin` (the gateway's client certificate, which recipients identify it
// by) the first must also carry exactly one 20-digit OIN in its Subject
// serialNumber, as partners' must.
[[nodiscard]] std::vector<Finding> check_certificate_file(const std::filesystem::path& file,
                                                          std::chrono::system_clock::time_point now,
                                                          bool own_oin);

}  // namespace schakel::gateway
