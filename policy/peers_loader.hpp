#pragma once
// Reads the region file's "peers" (issue 20): the regions whose gateways this
// region's gateway exchanges with —
//   "peers": [
//     { "id": "regio-oost",
//       "endpoint": "https://schakel.regio-oost.example:8443",  // the peer gateway's base URL
//       "gateway_oin": "00000009000000000011",      // the peer gateway's client certificate
//       "endpoint_oin": "00000009000000000011",     // optional: its server certificate's
//       "checkpoint_key": "ed25519:HEX",            // `schakel keys export-public` of the peer
//       "directory": "peers/regio-oost.json",       // its signed partner directory
//       "purposes": { "nazorg-detentie": "both", "e33-confused-behaviour": "out" } } ]
// A purpose crosses "out" (to the peer), "in" (from it) or "both"; it must be
// enabled in this region. The directory, relative to the region file, is
// verified against checkpoint_key (policy/peer_directory.hpp) and names the
// peer's partners; each becomes a Partner with `peer` set, reached through
// the peer's endpoint in the pair's transit domain (crypto/transit.hpp).
// Refused, with the file and JSON pointer: a duplicate id or gateway OIN, a
// gateway or endpoint OIN that is also a partner's (two identities for one
// certificate), a directory entry for a partner of this region under another
// role, an unknown direction or purpose, a directory that is not named or
// does not verify.
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "common/json_reader.hpp"
#include "policy/model.hpp"

namespace schakel::policy {

struct Peers {
  std::vector<PeerRegion> regions;
  std::vector<Partner> partners;  // of every peer region, `peer` naming theirs
  std::string digest_input;       // the directories as read, for the policy's hash
};

[[nodiscard]] Peers read_peers(ObjectReader& region, const std::filesystem::path& region_dir,
                               const std::set<std::string, std::less<>>& roles,
                               const std::map<std::string, Purpose, std::less<>>& enabled,
                               const std::vector<Partner>& partners);

}  // namespace schakel::policy
