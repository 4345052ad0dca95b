#pragma once
// Transit pseudonym domains between the gateways of two regions (issue 20).
//
// A person crosses from region A to region B as a pseudonym in the pair's
// transit domain, never as a BSN unless the purpose passes the BSN. Its keys
// derive from a secret both gateways compute and nobody else can: the X25519
// agreement of one gateway's federation key (KeyStore "federation.key") with
// the other's public half, which each region publishes in its signed partner
// directory (policy/peer_directory.hpp). The agreed secret q is hashed with
// both public keys in a fixed order into a 32-byte seed,
//   seed = BLAKE2b-256("schakel/transit/v1" || q || min(pk_A, pk_B) || max(pk_A, pk_B)),
// and the domain's subject scalar, field key and tag key derive from the seed
// as a region's own domains derive from its master secret
// (crypto/pseudonymiser.hpp): A issues s_T * M, B takes it as s_T^-1 * P_T = M
// and issues s_{B,recipient} * M — PEP's reshuffle. Neither gateway learns
// the other's master secret; whoever holds one region's keys can compute the
// transit pseudonyms of that region's pairs, never another region's own.
//
// A transit domain is named "transit:" + hex(peer's public key) on either
// side, so that a key a peer publishes anew is a new domain (nothing cached
// under the old one applies) and no configuration names one: the loader
// refuses that prefix in a region's pseudonym domains.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/key_store.hpp"
#include "crypto/secret.hpp"

namespace schakel::crypto {

inline constexpr std::string_view kTransitDomainPrefix = "transit:";

[[nodiscard]] std::string transit_domain(const FederationPublicKey& peer);
[[nodiscard]] bool is_transit_domain(std::string_view domain);
// The peer's public key a transit domain names; nullopt for any other name.
[[nodiscard]] std::optional<FederationPublicKey> transit_peer(std::string_view domain);
// Whether an agreement with `key` yields a secret (not a small-order point).
[[nodiscard]] bool usable_federation_key(const FederationPublicKey& key);
// The pair's seed (above); nullopt for an unusable peer key.
[[nodiscard]] std::optional<Secret> transit_seed(const Secret& own_secret,
                                                 const FederationPublicKey& peer);

// "x25519:HEX", as directories and `schakel keys export-public` spell a federation key.
[[nodiscard]] std::string format_federation_key(const FederationPublicKey& key);
[[nodiscard]] std::optional<FederationPublicKey> parse_federation_key(std::string_view text);

}  // namespace schakel::crypto
