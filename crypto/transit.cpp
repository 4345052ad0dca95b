#include "crypto/transit.hpp"

#include <sodium.h>

#include <algorithm>

#include "crypto/encoding.hpp"

namespace schakel::crypto {
namespace {

constexpr std::string_view kSeedLabel = "schakel/transit/v1";

std::optional<FederationPublicKey> key_of_hex(std::string_view hex) {
  auto bytes = from_hex(hex);
  if (!bytes || bytes->size() != 32) return std::nullopt;
  FederationPublicKey key{};
  std::ranges::copy(*bytes, key.begin());
  if (to_hex(key) != hex) return std::nullopt;  // one spelling: lower-case hex
  return key;
}

}  // namespace

std::string transit_domain(const FederationPublicKey& peer) {
  return std::string(kTransitDomainPrefix) + to_hex(peer);
}

bool is_transit_domain(std::string_view domain) {
  return domain.starts_with(kTransitDomainPrefix);
}

std::optional<FederationPublicKey> transit_peer(std::string_view domain) {
  if (!is_transit_domain(domain)) return std::nullopt;
  return key_of_hex(domain.substr(kTransitDomainPrefix.size()));
}

bool usable_federation_key(const FederationPublicKey& key) {
  // libsodium refuses (-1) exactly when the result is all zeros: a small-order point.
  std::array<std::uint8_t, crypto_scalarmult_SCALARBYTES> probe{};
  probe.fill(0x5a);
  std::array<std::uint8_t, crypto_scalarmult_BYTES> out{};
  const bool usable = crypto_scalarmult(out.data(), probe.data(), key.data()) == 0;
  sodium_memzero(out.data(), out.size());
  return usable;
}

std::optional<Secret> transit_seed(const Secret& own_secret, const FederationPublicKey& peer) {
  FederationPublicKey own{};
  crypto_scalarmult_base(own.data(), own_secret.bytes().data());
  std::array<std::uint8_t, crypto_scalarmult_BYTES> shared{};
  if (crypto_scalarmult(shared.data(), own_secret.bytes().data(), peer.data()) != 0) {
    return std::nullopt;
  }
  const auto& low = std::min(own, peer);
  const auto& high = std::max(own, peer);
  Secret seed(32);
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, seed.bytes().size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(kSeedLabel.data()),
                            kSeedLabel.size());
  crypto_generichash_update(&state, shared.data(), shared.size());
  crypto_generichash_update(&state, low.data(), low.size());
  crypto_generichash_update(&state, high.data(), high.size());
  crypto_generichash_final(&state, seed.bytes().data(), seed.bytes().size());
  sodium_memzero(shared.data(), shared.size());
  return seed;
}

std::string format_federation_key(const FederationPublicKey& key) {
  return "x25519:" + to_hex(key);
}

std::optional<FederationPublicKey> parse_federation_key(std::string_view text) {
  if (!text.starts_with("x25519:")) return std::nullopt;
  return key_of_hex(text.substr(7));
}

}  // namespace schakel::crypto
