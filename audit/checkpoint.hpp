#pragma once
// A signed checkpoint of the audit chain: "the record with this sequence has
// this hash, as of this time", signed with the gateway's Ed25519 audit key.
// Written every N records or T seconds, at shutdown and at a prune's cut. A
// verifier holding only the public key detects a truncated tail (a checkpoint
// beyond the last record) and proves a pruned trail's first record genuine.
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "crypto/public_key.hpp"

namespace schakel::audit {

struct Checkpoint {
  std::uint64_t sequence = 0;
  std::string head_hash;
  std::string time;
  std::string signature;  // hex Ed25519 over signed_bytes()
  // A prune's cut: the records up to `sequence` were removed on purpose. Only
  // such a checkpoint lets a trail start after sequence 1; it is signed as
  // one (signed_bytes differ), so an ordinary checkpoint cannot pass for it.
  bool prune_cut = false;

  [[nodiscard]] std::string signed_bytes() const;
};

// Signs a checkpoint's bytes; returns the hex signature.
using CheckpointSigner = std::function<std::string(std::string_view bytes)>;

[[nodiscard]] bool signature_valid(const Checkpoint& checkpoint, const crypto::PublicKey& key);
// A signer over an Ed25519 secret key (64 bytes, libsodium layout) that the caller keeps alive.
[[nodiscard]] CheckpointSigner ed25519_signer(const std::uint8_t* secret_key);

}  // namespace schakel::audit
