#pragma once
// The gateway's key directory:
//   master.key          32-byte master secret; domain keys derive from it
//   audit-signing.key   Ed25519 secret key that signs audit checkpoints
//   queue.key           32-byte key that seals queued messages at rest
//                       (queue_cipher.hpp); made on load when a directory
//                       from before the queue has none
//   federation.key      32-byte X25519 secret key: a peer region's gateway
//                       agrees transit-pseudonym keys with its public half
//                       (crypto/transit.hpp); made on load when missing
//   reidentification.key  32 bytes from which the re-identification escrow's
//                       keys derive (escrow.hpp); made on load when missing,
//                       unless reidentification.ended says it was shredded
//   reidentification.ended  written by `keys shred --reidentification`:
//                       re-identification ended for good, no key is made again
//   epochs.json         the current key epoch of each pseudonym domain (1 if absent)
//                       and the migration window for untagged pseudonyms:
//                       {"domains": {D: EPOCH}, "untagged_window": {D: EPOCH, "*": EPOCH}}
//                       (crypto/pseudonymiser.hpp says what the window means)
//   audit-keys/Y-M.key  one random 32-byte audit-token key per month, so that
//                       shredding a month's key makes its records unlinkable
// The directory is 0700 and every file 0600: loading refuses anything group-
// or world-accessible, of the wrong size or malformed, naming the file.
// Secrets live only in Secret memory. A loaded KeyStore is immutable except
// for the audit key ring, which creates the key of a new month on demand, and
// forget_reidentification_key, which wipes that key once a shred is seen.
#include <array>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/public_key.hpp"
#include "crypto/secret.hpp"

namespace schakel::crypto {

inline constexpr std::size_t kMasterKeyBytes = 32;
inline constexpr std::size_t kAuditKeyBytes = 32;
inline constexpr std::size_t kSigningKeyBytes = 64;
inline constexpr std::size_t kFederationKeyBytes = 32;
// An X25519 public key: the federation key's public half, as peers know it.
using FederationPublicKey = std::array<std::uint8_t, 32>;
// The entry of "untagged_window" that stands for every domain it does not name.
inline constexpr std::string_view kEveryOtherDomain = "*";

// Monthly audit-token keys ("2026-11"). Thread-safe.
class AuditKeyRing {
 public:
  [[nodiscard]] static std::expected<std::unique_ptr<AuditKeyRing>, std::string> load(
      const std::filesystem::path& dir);
  // A ring without files: keys live and die with it (KeyStore::ephemeral).
  [[nodiscard]] static std::unique_ptr<AuditKeyRing> in_memory();

  // The month's key; nullptr for a shredded (or never created) month.
  [[nodiscard]] const Secret* find(const std::string& month) const;
  // The month's key, created (and written, 0600) when the month has none yet.
  [[nodiscard]] std::expected<const Secret*, std::string> get_or_create(const std::string& month);
  [[nodiscard]] std::vector<std::string> months() const;
  // Forgets keys whose files are gone (shredded by another process).
  void forget_shredded();
  // Destroys the keys of every month before `month`; returns the months shredded.
  [[nodiscard]] std::expected<std::vector<std::string>, std::string> shred_before(
      const std::string& month);

 private:
  explicit AuditKeyRing(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path dir_;  // empty: in memory only
  mutable std::mutex mutex_;
  mutable std::map<std::string, std::unique_ptr<Secret>> keys_;
};

class KeyStore {
 public:
  // Creates the directory (0700), a fresh master key and signing key (0600)
  // and an epochs.json with an empty untagged window (a new directory never
  // issued an untagged pseudonym); refuses to overwrite existing keys.
  [[nodiscard]] static std::expected<void, std::string> init(const std::filesystem::path& dir);
  [[nodiscard]] static std::expected<KeyStore, std::string> load(const std::filesystem::path& dir);
  // What load would refuse — a key file missing, accessible to others or of
  // the wrong size, a malformed epochs.json or audit key — and a directory
  // open to others (`keys init` makes it 0700), every problem at once and
  // without writing anything (`schakel check`). Keys that load makes when
  // missing (queue.key, reidentification.key) are no problem. Empty: sound.
  [[nodiscard]] static std::vector<std::string> inspect(const std::filesystem::path& dir);
  // Fresh random keys that exist only in this process and are never written:
  // `policy explain` shows the form of pseudonyms without real keys or files.
  [[nodiscard]] static KeyStore ephemeral();
  // epochs.json alone, as a running gateway takes up a rotation.
  [[nodiscard]] static std::expected<std::map<std::string, std::uint32_t>, std::string> read_epochs(
      const std::filesystem::path& dir);
  // Starts a new key epoch for `domain`; returns it. Old epochs stay derivable.
  // Writes the untagged window out as it stood, so that `domain`'s closes.
  [[nodiscard]] static std::expected<std::uint32_t, std::string> rotate(
      const std::filesystem::path& dir, const std::string& domain);

  [[nodiscard]] const Secret& master() const { return *master_; }
  [[nodiscard]] const Secret& signing_key() const { return *signing_; }
  [[nodiscard]] const Secret& queue_key() const { return *queue_; }
  [[nodiscard]] const Secret& federation_key() const { return *federation_; }
  [[nodiscard]] FederationPublicKey federation_public_key() const;
  // nullptr once re-identification was ended (shred_reidentification).
  // Read once, at start-up, by the one user of the key (gateway/escrow.hpp).
  [[nodiscard]] const Secret* reidentification_key() const { return reidentification_.get(); }
  // Wipes this process's copy (a shred taken up while running): afterwards nullptr.
  void forget_reidentification_key() { reidentification_.reset(); }
  // Whether the directory says re-identification ended (reidentification.ended).
  [[nodiscard]] static std::expected<bool, std::string> reidentification_ended(
      const std::filesystem::path& dir);
  // Ends re-identification for good: marks the directory, then overwrites and
  // unlinks reidentification.key. True when a key was destroyed now, false
  // when none was left (ended before).
  [[nodiscard]] static std::expected<bool, std::string> shred_reidentification(
      const std::filesystem::path& dir);
  [[nodiscard]] PublicKey signing_public_key() const;
  [[nodiscard]] std::uint32_t epoch(const std::string& domain) const;
  [[nodiscard]] const std::map<std::string, std::uint32_t>& epochs() const { return epochs_; }
  // Per domain (or kEveryOtherDomain) the epoch during which it still takes
  // untagged pseudonyms. An epochs.json from before tagging has no window:
  // read as every domain's current epoch, i.e. every window open.
  [[nodiscard]] const std::map<std::string, std::uint32_t>& untagged_window() const {
    return untagged_window_;
  }
  // The ring writes key files (get_or_create, shred_before): only through a
  // KeyStore that is not const.
  [[nodiscard]] AuditKeyRing& audit_keys() { return *audit_keys_; }
  [[nodiscard]] const AuditKeyRing& audit_keys() const { return *audit_keys_; }
  // Shared, so that users of the ring may outlive this KeyStore.
  [[nodiscard]] std::shared_ptr<AuditKeyRing> audit_key_ring() { return audit_keys_; }

 private:
  KeyStore() = default;
  std::unique_ptr<Secret> master_;
  std::unique_ptr<Secret> signing_;
  std::unique_ptr<Secret> queue_;
  std::unique_ptr<Secret> federation_;
  std::unique_ptr<Secret> reidentification_;
  std::map<std::string, std::uint32_t> epochs_;
  std::map<std::string, std::uint32_t> untagged_window_;
  std::shared_ptr<AuditKeyRing> audit_keys_;
};

}  // namespace schakel::crypto
