#include "policy/peers_loader.hpp"

#include <algorithm>

#include <re2/re2.h>

#include "crypto/public_key.hpp"
#include "crypto/transit.hpp"
#include "policy/peer_directory.hpp"

namespace schakel::policy {
namespace {

bool is_peer_id(const std::string& id) {
  static const re2::RE2 kId("[a-z0-9][a-z0-9-]{0,63}");
  return re2::RE2::FullMatch(id, kId);
}

void read_crossings(ObjectReader& reader,
                    const std::map<std::string, Purpose, std::less<>>& enabled, PeerRegion& peer) {
  const nlohmann::json* purposes = reader.object("purposes", Presence::kRequired);
  if (!purposes) return;
  for (const auto& [id, value] : purposes->items()) {
    const std::string pointer = pointer_append(reader.child("purposes"), id);
    if (!enabled.contains(id)) {
      reader.error(pointer, "purpose \"" + id + "\" is not enabled in this region");
      continue;
    }
    const std::string direction = value.is_string() ? value.get<std::string>() : "";
    PeerPurpose crossing{Crossing::kBoth, reader.file() + "#" + pointer};
    if (direction == "out") {
      crossing.crossing = Crossing::kOut;
    } else if (direction == "in") {
      crossing.crossing = Crossing::kIn;
    } else if (direction != "both") {
      reader.error(pointer, "must be \"out\", \"in\" or \"both\"");
      continue;
    }
    peer.purposes.emplace(id, std::move(crossing));
  }
}

// The peer's partners as its verified directory lists them.
// The peer's partners as its verified directory lists them. One that is a
// partner of this region too (a police unit, DJI: one certificate, one OIN)
// must have the role it has here: no certificate with two identities.
void read_directory_of(ObjectReader& reader, const std::filesystem::path& region_dir,
                       const std::set<std::string, std::less<>>& roles,
                       const std::vector<Partner>& partners,
                       const crypto::PublicKey& checkpoint_key, PeerRegion& peer, Peers& out) {
  const std::filesystem::path file = region_dir / peer.directory_file;
  auto directory = read_directory(file, peer.directory_file, checkpoint_key, roles);
  if (!directory) {
    for (const auto& error : directory.error()) {
      reader.error(reader.child("directory"), error.to_string());
    }
    return;
  }
  peer.region = directory->region;
  peer.directory_issued = directory->issued;
  peer.transit_domain = crypto::transit_domain(directory->federation_key);
  out.digest_input += "\n" + peer.id + "\n" + directory->document;
  for (std::size_t i = 0; i < directory->partners.size(); ++i) {
    const auto& entry = directory->partners[i];
    const auto local = std::ranges::find(partners, entry.oin, &Partner::oin);
    if (local != partners.end() && local->role != entry.role) {
      reader.error(reader.child("directory"),
                   peer.directory_file + ": /partners/" + std::to_string(i) +
                       "/role: lists this region's partner \"" + local->id + "\" as role \"" +
                       entry.role + "\"; here it is \"" + local->role +
                       "\" (one certificate, one identity)");
      continue;
    }
    Partner partner;
    partner.id = peer.id + "/" + entry.oin;
    partner.name = entry.name;
    partner.oin = entry.oin;
    partner.role = entry.role;
    partner.endpoint_url = peer.endpoint_url + std::string(kFederationMessagesPath);
    partner.endpoint = peer.endpoint;
    partner.endpoint.target = std::string(kFederationMessagesPath);
    partner.endpoint_oin = peer.endpoint_oin;
    partner.format = "application/json";
    partner.pseudonym_domain = peer.transit_domain;
    partner.rule = peer.directory_file + "#/partners/" + std::to_string(i);
    partner.peer = peer.id;
    out.partners.push_back(std::move(partner));
  }
}

}  // namespace

Peers read_peers(ObjectReader& region, const std::filesystem::path& region_dir,
                 const std::set<std::string, std::less<>>& roles,
                 const std::map<std::string, Purpose, std::less<>>& enabled,
                 const std::vector<Partner>& partners) {
  Peers out;
  const nlohmann::json* peers = region.array("peers", Presence::kOptional);
  if (!peers) return out;
  std::set<std::string> ids;
  std::set<std::string> gateway_oins;
  for (std::size_t i = 0; i < peers->size(); ++i) {
    const std::string pointer = pointer_append(region.child("peers"), std::to_string(i));
    auto reader = region.nested((*peers)[i], pointer);
    PeerRegion peer;
    peer.rule = region.file() + "#" + pointer;
    peer.id = reader.string("id", Presence::kRequired).value_or("");
    peer.endpoint_url = reader.string("endpoint", Presence::kRequired).value_or("");
    peer.gateway_oin = reader.string("gateway_oin", Presence::kRequired).value_or("");
    peer.endpoint_oin =
        reader.string("endpoint_oin", Presence::kOptional).value_or(peer.gateway_oin);
    const auto checkpoint_text = reader.string("checkpoint_key", Presence::kRequired);
    peer.directory_file = reader.string("directory", Presence::kRequired).value_or("");
    if (reader.is_object() && !is_peer_id(peer.id)) {
      reader.error(reader.child("id"), "must be 1..64 of a-z, 0-9 and -, starting with a-z or 0-9");
    } else if (!peer.id.empty() && !ids.insert(peer.id).second) {
      reader.error(reader.child("id"), "duplicate peer region \"" + peer.id + "\"");
    }
    auto endpoint = parse_endpoint(peer.endpoint_url);
    if (endpoint && endpoint->target == "/" && !peer.endpoint_url.ends_with("/")) {
      peer.endpoint = *endpoint;
    } else if (reader.is_object()) {
      reader.error(reader.child("endpoint"),
                   "must be the peer gateway's base URL https://host:port (no path: the "
                   "federation endpoints follow from it)");
    }
    if (reader.is_object() && !is_oin(peer.gateway_oin)) {
      reader.error(reader.child("gateway_oin"), "must be a 20-digit OIN");
    } else if (std::ranges::find(partners, peer.gateway_oin, &Partner::oin) != partners.end()) {
      reader.error(reader.child("gateway_oin"),
                   "is also a partner's OIN: one certificate would have two identities");
    } else if (!peer.gateway_oin.empty() && !gateway_oins.insert(peer.gateway_oin).second) {
      reader.error(reader.child("gateway_oin"), "two peer regions with one gateway OIN");
    }
    if (reader.is_object() && !is_oin(peer.endpoint_oin)) {
      reader.error(reader.child("endpoint_oin"), "must be a 20-digit OIN");
    } else if (reader.has("endpoint_oin") &&
               std::ranges::find(partners, peer.endpoint_oin, &Partner::oin) != partners.end()) {
      reader.error(reader.child("endpoint_oin"),
                   "is also a partner's OIN: one certificate would have two identities");
    }
    if (reader.has("directory") && peer.directory_file.empty()) {
      reader.error(reader.child("directory"), "must name the peer's signed directory");
    }
    read_crossings(reader, enabled, peer);
    const auto checkpoint_key =
        checkpoint_text ? crypto::parse_public_key(*checkpoint_text) : std::nullopt;
    if (checkpoint_text && !checkpoint_key) {
      reader.error(
          reader.child("checkpoint_key"),
          "must be ed25519:HEX (64 hex digits), as `schakel keys export-public` writes it");
    }
    if (checkpoint_key && !peer.directory_file.empty()) {
      read_directory_of(reader, region_dir, roles, partners, *checkpoint_key, peer, out);
    }
    reader.finish();
    out.regions.push_back(std::move(peer));
  }
  return out;
}

}  // namespace schakel::policy
