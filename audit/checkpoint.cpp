#include "audit/checkpoint.hpp"

#include <sodium.h>

#include "crypto/encoding.hpp"

namespace schakel::audit {

std::string Checkpoint::signed_bytes() const {
  return std::string(prune_cut ? "schakel-audit-prune-cut-v1\n" : "schakel-audit-checkpoint-v1\n") +
         std::to_string(sequence) + "\n" + head_hash + "\n" + time;
}

bool signature_valid(const Checkpoint& checkpoint, const crypto::PublicKey& key) {
  crypto::ensure_sodium();
  auto signature = crypto::from_hex(checkpoint.signature);
  if (!signature || signature->size() != crypto_sign_BYTES) return false;
  const std::string bytes = checkpoint.signed_bytes();
  return crypto_sign_verify_detached(signature->data(),
                                     reinterpret_cast<const unsigned char*>(bytes.data()),
                                     bytes.size(), key.data()) == 0;
}

CheckpointSigner ed25519_signer(const std::uint8_t* secret_key) {
  return [secret_key](std::string_view bytes) {
    std::array<std::uint8_t, crypto_sign_BYTES> signature{};
    crypto_sign_detached(signature.data(), nullptr,
                         reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                         secret_key);
    return crypto::to_hex(signature);
  };
}

}  // namespace schakel::audit
