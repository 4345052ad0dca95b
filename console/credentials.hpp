#pragma once
// The console's password sign-in (issue 16): per user an argon2id hash of
// the password (libsodium crypto_pwhash_str, interactive limits) and a TOTP
// secret (totp.hpp), in DATA/console/credentials.json — owner-only (0600 in
// a 0700 directory), never in the configuration and never logged:
//   {"users": {"privacy-team": {"password": "$argon2id$...", "totp": "BASE32"}}}
// `schakel console passwd` sets both (a new TOTP secret every time). A user
// the file does not name cannot sign in with a password. Loading refuses a
// file that is group- or world-accessible or malformed, naming it.
#include <expected>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace schakel::console {

struct Credential {
  std::string password_hash;
  std::vector<std::uint8_t> totp_secret;
};

class Credentials {
 public:
  [[nodiscard]] static std::filesystem::path file_in(const std::filesystem::path& data_dir);
  // An absent file is an empty set (nobody signs in with a password).
  [[nodiscard]] static std::expected<Credentials, std::string> load(
      const std::filesystem::path& file);
  // Sets `user`'s password and a new TOTP secret (returned, base32), written atomically.
  [[nodiscard]] static std::expected<std::string, std::string> set(
      const std::filesystem::path& file, const std::string& user, std::string_view password);

  [[nodiscard]] const Credential* find(std::string_view user) const;
  // A credential of a random password nobody knows: verified in place of a
  // missing one, so that every refused sign-in costs the same argon2id time.
  [[nodiscard]] static std::expected<Credential, std::string> decoy();
  // Constant-time in the password; slow by design (argon2id): not on an I/O thread.
  [[nodiscard]] static bool password_matches(const Credential& credential,
                                             std::string_view password);

 private:
  std::map<std::string, Credential, std::less<>> users_;
};

}  // namespace schakel::console
