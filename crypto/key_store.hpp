#pragma once
// The gateway's key directory. It holds one 32-byte master secret
// (`master.key`) from which every other key is derived. Key files must be
// readable by their owner only: loading refuses group- or world-accessible
// files and names the file. The secret lives only in Secret memory.
#include <expected>
#include <filesystem>
#include <string>

#include "crypto/secret.hpp"

namespace schakel::crypto {

inline constexpr std::size_t kMasterKeyBytes = 32;

class KeyStore {
 public:
  // Creates the directory (0700) and a fresh master key (0600); refuses to
  // overwrite an existing key.
  [[nodiscard]] static std::expected<void, std::string> init(const std::filesystem::path& dir);
  [[nodiscard]] static std::expected<KeyStore, std::string> load(const std::filesystem::path& dir);

  [[nodiscard]] const Secret& master() const { return master_; }

 private:
  explicit KeyStore(Secret master) : master_(std::move(master)) {}
  Secret master_;
};

}  // namespace schakel::crypto
