#pragma once
// A region's partner directory (issue 20): what a region publishes for its
// peer regions, signed with its gateway's checkpoint key (Ed25519, the key
// `schakel keys export-public` shows), so that a peer trusts exactly the
// partners, roles and federation key the region itself states:
//   {"schakel_directory": 1, "region": NAME, "issued": "YYYY-MM-DDThh:mm:ssZ",
//    "federation_key": "x25519:HEX",
//    "partners": [{"oin": OIN, "name": NAME, "role": ROLE}, ...],
//    "signature": "ed25519:HEX"}
// The signature covers "schakel-directory/v1\n" followed by the compact JSON
// of every member but "signature" (keys sorted, as nlohmann::json writes an
// object), so that any change to a member, added or removed, breaks it.
// Reading checks the signature before anything else is believed, then the
// members strictly (unknown members, duplicate OINs, malformed OINs or keys
// are errors with the file and JSON pointer).
#include <expected>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/config_error.hpp"
#include "crypto/key_store.hpp"
#include "crypto/public_key.hpp"
#include "policy/model.hpp"

namespace schakel::policy {

struct DirectoryEntry {
  std::string oin;
  std::string name;
  std::string role;
};

struct PartnerDirectory {
  std::string region;
  std::string issued;
  crypto::FederationPublicKey federation_key{};
  std::vector<DirectoryEntry> partners;
  std::string document{};  // as read (compact JSON), for the reader's policy hash
};

// The directory of `policy`'s own partners under `keys`, issued `issued`.
[[nodiscard]] PartnerDirectory directory_of(const Policy& policy, const crypto::KeyStore& keys,
                                            std::string issued);
// Its signed JSON, as published.
[[nodiscard]] nlohmann::json signed_directory(const PartnerDirectory& directory,
                                              const crypto::KeyStore& keys);

// Reads and checks a peer's published directory against its checkpoint key.
// `display` names the file in errors; `roles` are the guideline's.
[[nodiscard]] std::expected<PartnerDirectory, ConfigErrors> read_directory(
    const std::filesystem::path& file, const std::string& display,
    const crypto::PublicKey& checkpoint_key, const std::set<std::string, std::less<>>& roles);

}  // namespace schakel::policy
