#include "console/credentials.hpp"

#include <sodium.h>
#include <sys/stat.h>

#include <array>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "console/totp.hpp"
#include "crypto/key_files.hpp"

namespace schakel::console {
namespace {

using json = nlohmann::json;

std::expected<json, std::string> read_document(const std::filesystem::path& file) {
  if (auto owner_only = crypto::check_owner_only(file); !owner_only) {
    return std::unexpected(owner_only.error());
  }
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return std::unexpected("cannot read " + file.string());
  auto document = json::parse(text.str(), nullptr, false);
  if (document.is_discarded() || !document.is_object() || !document.contains("users") ||
      !document["users"].is_object()) {
    return std::unexpected(file.string() + ": expected {\"users\": {...}}");
  }
  return document;
}

}  // namespace

std::filesystem::path Credentials::file_in(const std::filesystem::path& data_dir) {
  return data_dir / "console" / "credentials.json";
}

std::expected<Credentials, std::string> Credentials::load(const std::filesystem::path& file) {
  Credentials out;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    if (ec) return std::unexpected("cannot check " + file.string() + ": " + ec.message());
    return out;
  }
  auto document = read_document(file);
  if (!document) return std::unexpected(document.error());
  for (const auto& [user, entry] : (*document)["users"].items()) {
    const std::string where = file.string() + ": /users/" + user;
    if (!entry.is_object() || !entry.contains("password") || !entry["password"].is_string() ||
        !entry.contains("totp") || !entry["totp"].is_string() || entry.size() != 2) {
      return std::unexpected(where + ": expected {\"password\": \"...\", \"totp\": \"...\"}");
    }
    auto secret = base32_decode(entry["totp"].get<std::string>());
    if (!secret || secret->size() != kTotpSecretBytes) {
      return std::unexpected(where + "/totp: expected " + std::to_string(kTotpSecretBytes) +
                             " bytes in base32");
    }
    out.users_[user] = Credential{entry["password"].get<std::string>(), std::move(*secret)};
  }
  return out;
}

std::expected<std::string, std::string> Credentials::set(const std::filesystem::path& file,
                                                         const std::string& user,
                                                         std::string_view password) {
  if (sodium_init() < 0) return std::unexpected(std::string("libsodium did not start"));
  json document = {{"users", json::object()}};
  std::error_code ec;
  if (std::filesystem::exists(file, ec)) {
    auto read = read_document(file);
    if (!read) return std::unexpected(read.error());
    document = std::move(*read);
  }
  std::filesystem::create_directories(file.parent_path(), ec);
  if (ec) return std::unexpected("cannot create " + file.parent_path().string());
  ::chmod(file.parent_path().c_str(), 0700);
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return std::unexpected(std::string("out of memory hashing the password"));
  }
  std::vector<std::uint8_t> secret(kTotpSecretBytes);
  randombytes_buf(secret.data(), secret.size());
  const std::string totp = base32_encode(secret);
  document["users"][user] = {{"password", std::string(hash)}, {"totp", totp}};
  if (auto written = crypto::replace_owner_only_file(file, document.dump(2) + "\n"); !written) {
    return std::unexpected(written.error());
  }
  return totp;
}

std::expected<Credential, std::string> Credentials::decoy() {
  if (sodium_init() < 0) return std::unexpected(std::string("libsodium did not start"));
  std::array<char, 32> random{};
  randombytes_buf(random.data(), random.size());
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, random.data(), random.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return std::unexpected(std::string("out of memory hashing the decoy password"));
  }
  sodium_memzero(random.data(), random.size());
  return Credential{std::string(hash), {}};
}

const Credential* Credentials::find(std::string_view user) const {
  auto it = users_.find(user);
  return it == users_.end() ? nullptr : &it->second;
}

bool Credentials::password_matches(const Credential& credential, std::string_view password) {
  return crypto_pwhash_str_verify(credential.password_hash.c_str(), password.data(),
                                  password.size()) == 0;
}

}  // namespace schakel::console
