#include "policy/peer_directory.hpp"

#include <sodium.h>

#include <set>

#include <re2/re2.h>

#include "common/json_reader.hpp"
#include "crypto/encoding.hpp"
#include "crypto/transit.hpp"

namespace schakel::policy {
namespace {

constexpr std::string_view kSignedPrefix = "schakel-directory/v1\n";
constexpr int kFormatVersion = 1;

// A name a directory gives (the region's, a partner's): printable, 1..200 characters.
bool is_printable_name(const std::string& name) {
  static const re2::RE2 kName("[^\\x00-\\x1f\\x7f]{1,200}");
  return re2::RE2::FullMatch(name, kName);
}

std::string signed_text(const nlohmann::json& unsigned_directory) {
  return std::string(kSignedPrefix) + unsigned_directory.dump();
}

nlohmann::json unsigned_json(const PartnerDirectory& directory) {
  nlohmann::json partners = nlohmann::json::array();
  for (const auto& entry : directory.partners) {
    partners.push_back({{"oin", entry.oin}, {"name", entry.name}, {"role", entry.role}});
  }
  return {{"schakel_directory", kFormatVersion},
          {"region", directory.region},
          {"issued", directory.issued},
          {"federation_key", crypto::format_federation_key(directory.federation_key)},
          {"partners", std::move(partners)}};
}

bool signature_holds(const nlohmann::json& document, const std::string& signature,
                     const crypto::PublicKey& key) {
  if (!signature.starts_with("ed25519:")) return false;
  auto bytes = crypto::from_hex(std::string_view(signature).substr(8));
  if (!bytes || bytes->size() != crypto_sign_BYTES) return false;
  nlohmann::json unsigned_directory = document;
  unsigned_directory.erase("signature");
  const std::string text = signed_text(unsigned_directory);
  return crypto_sign_verify_detached(bytes->data(),
                                     reinterpret_cast<const unsigned char*>(text.data()),
                                     text.size(), key.data()) == 0;
}

void read_entries(ObjectReader& top, const std::set<std::string, std::less<>>& roles,
                  PartnerDirectory& out) {
  const nlohmann::json* partners = top.array("partners", Presence::kRequired);
  if (!partners) return;
  std::set<std::string> oins;
  for (std::size_t i = 0; i < partners->size(); ++i) {
    const std::string pointer = pointer_append(top.child("partners"), std::to_string(i));
    auto reader = top.nested((*partners)[i], pointer);
    DirectoryEntry entry;
    entry.oin = reader.string("oin", Presence::kRequired).value_or("");
    entry.name = reader.string("name", Presence::kRequired).value_or("");
    entry.role = reader.string("role", Presence::kRequired).value_or("");
    if (reader.is_object() && !is_oin(entry.oin)) {
      reader.error(reader.child("oin"), "must be a 20-digit OIN");
    } else if (!entry.oin.empty() && !oins.insert(entry.oin).second) {
      reader.error(reader.child("oin"), "duplicate OIN");
    }
    if (reader.has("name") && !is_printable_name(entry.name)) {
      reader.error(reader.child("name"), "must be 1..200 characters without control characters");
    }
    if (!entry.role.empty() && !roles.contains(entry.role)) {
      reader.error(reader.child("role"), "unknown role \"" + entry.role + "\" in the guideline");
    }
    reader.finish();
    out.partners.push_back(std::move(entry));
  }
}

}  // namespace

PartnerDirectory directory_of(const Policy& policy, const crypto::KeyStore& keys,
                              std::string issued) {
  PartnerDirectory directory;
  directory.region = policy.region_name();
  directory.issued = std::move(issued);
  directory.federation_key = keys.federation_public_key();
  for (const auto& partner : policy.partners()) {
    directory.partners.push_back({partner.oin, partner.name, partner.role});
  }
  return directory;
}

nlohmann::json signed_directory(const PartnerDirectory& directory, const crypto::KeyStore& keys) {
  nlohmann::json document = unsigned_json(directory);
  const std::string text = signed_text(document);
  std::array<unsigned char, crypto_sign_BYTES> signature{};
  crypto_sign_detached(signature.data(), nullptr,
                       reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                       keys.signing_key().bytes().data());
  document["signature"] = "ed25519:" + crypto::to_hex(signature);
  return document;
}

std::expected<PartnerDirectory, ConfigErrors> read_directory(
    const std::filesystem::path& file, const std::string& display,
    const crypto::PublicKey& checkpoint_key, const std::set<std::string, std::less<>>& roles) {
  auto document = read_json_file(file, display);
  if (!document) return std::unexpected(ConfigErrors{document.error()});
  ConfigErrors errors;
  ObjectReader top(*document, display, "", errors);
  const auto signature = top.string("signature", Presence::kRequired);
  if (!errors.empty()) return std::unexpected(errors);
  if (!signature_holds(*document, *signature, checkpoint_key)) {
    return std::unexpected(ConfigErrors{
        {display, "/signature",
         "is not the peer's signature over this directory (its checkpoint_key): the file was "
         "altered, or another region signed it"}});
  }
  PartnerDirectory out;
  out.document = document->dump();
  if (auto version = top.integer("schakel_directory", Presence::kRequired);
      version && *version != kFormatVersion) {
    top.error(top.child("schakel_directory"), "must be 1");
  }
  out.region = top.string("region", Presence::kRequired).value_or("");
  out.issued = top.string("issued", Presence::kRequired).value_or("");
  static const re2::RE2 kInstant("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z");
  if (top.has("region") && !is_printable_name(out.region)) {
    top.error(top.child("region"), "must be 1..200 characters without control characters");
  }
  if (top.has("issued") && !re2::RE2::FullMatch(out.issued, kInstant)) {
    top.error(top.child("issued"), "must be an instant YYYY-MM-DDThh:mm:ssZ");
  }
  const auto key_text = top.string("federation_key", Presence::kRequired);
  if (key_text) {
    auto key = crypto::parse_federation_key(*key_text);
    if (!key || !crypto::usable_federation_key(*key)) {
      top.error(top.child("federation_key"), "must be x25519:HEX of a usable X25519 public key");
    } else {
      out.federation_key = *key;
    }
  }
  read_entries(top, roles, out);
  top.finish();
  if (!errors.empty()) return std::unexpected(errors);
  return out;
}

}  // namespace schakel::policy
