#pragma once
// An Ed25519 public key (32 bytes): the gateway's audit signing key as
// `schakel keys export-public` writes it; checkpoints verify against it.
#include <array>
#include <cstdint>

namespace schakel::crypto {

using PublicKey = std::array<std::uint8_t, 32>;

}  // namespace schakel::crypto
