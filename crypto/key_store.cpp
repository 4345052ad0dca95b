#include "crypto/key_store.hpp"

#include <sodium.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>

#include <nlohmann/json.hpp>

#include "common/calendar.hpp"
#include "common/directory.hpp"
#include "crypto/encoding.hpp"
#include "crypto/escrow.hpp"
#include "crypto/key_files.hpp"
#include "crypto/queue_cipher.hpp"
#include "crypto/transit.hpp"

namespace schakel::crypto {
namespace {

constexpr const char* kMasterFile = "master.key";
constexpr const char* kSigningFile = "audit-signing.key";
constexpr const char* kQueueFile = "queue.key";
constexpr const char* kFederationFile = "federation.key";
constexpr const char* kReidentificationFile = "reidentification.key";
constexpr const char* kReidentificationEndedFile = "reidentification.ended";
constexpr const char* kEpochsFile = "epochs.json";
constexpr const char* kAuditKeysDir = "audit-keys";

std::expected<void, std::string> make_private_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return std::unexpected("cannot create directory " + dir.string() + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
  return {};
}

using EpochMap = std::map<std::string, std::uint32_t>;

// epochs.json: the current epochs and the untagged window.
struct EpochsFile {
  EpochMap domains;
  EpochMap untagged_window;
};

// What a key directory from before tagging implies: every pseudonym it issued
// was untagged, so every domain's window is open at its current epoch.
EpochMap window_before_tagging(const EpochMap& domains) {
  EpochMap window = domains;
  window.emplace(kEveryOtherDomain, 1);
  return window;
}

std::expected<EpochMap, std::string> read_epoch_map(const nlohmann::json& object,
                                                    const std::filesystem::path& path,
                                                    std::string_view member) {
  EpochMap epochs;
  for (const auto& [domain, epoch] : object.items()) {
    if (!epoch.is_number_unsigned() || epoch.get<std::uint64_t>() < 1 ||
        epoch.get<std::uint64_t>() > 1'000'000) {
      return std::unexpected(path.string() + ": /" + std::string(member) + "/" + domain +
                             ": epoch must be a whole number from 1");
    }
    epochs[domain] = epoch.get<std::uint32_t>();
  }
  return epochs;
}

std::expected<EpochsFile, std::string> read_epochs_file(const std::filesystem::path& dir) {
  const auto path = dir / kEpochsFile;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (ec) return std::unexpected("cannot check " + path.string() + ": " + ec.message());
    return EpochsFile{{}, window_before_tagging({})};
  }
  if (auto owner_only = check_owner_only(path); !owner_only) {
    return std::unexpected(owner_only.error());
  }
  std::ifstream in(path);
  auto document = nlohmann::json::parse(in, nullptr, false);
  if (document.is_discarded() || !document.is_object() || !document.contains("domains") ||
      !document["domains"].is_object()) {
    return std::unexpected(path.string() + ": expected {\"domains\": {DOMAIN: EPOCH, ...}}");
  }
  auto domains = read_epoch_map(document["domains"], path, "domains");
  if (!domains) return std::unexpected(domains.error());
  if (!document.contains("untagged_window")) {
    return EpochsFile{*domains, window_before_tagging(*domains)};
  }
  if (!document["untagged_window"].is_object()) {
    return std::unexpected(path.string() + ": /untagged_window must be {DOMAIN: EPOCH, ...}");
  }
  auto window = read_epoch_map(document["untagged_window"], path, "untagged_window");
  if (!window) return std::unexpected(window.error());
  return EpochsFile{std::move(*domains), std::move(*window)};
}

std::expected<void, std::string> write_epochs_file(const std::filesystem::path& dir,
                                                   const EpochsFile& file) {
  nlohmann::json document = {{"domains", nlohmann::json::object()},
                             {"untagged_window", nlohmann::json::object()}};
  for (const auto& [domain, epoch] : file.domains) document["domains"][domain] = epoch;
  for (const auto& [domain, epoch] : file.untagged_window) {
    document["untagged_window"][domain] = epoch;
  }
  return replace_owner_only_file(dir / kEpochsFile, document.dump(2) + "\n");
}

}  // namespace

std::expected<std::unique_ptr<AuditKeyRing>, std::string> AuditKeyRing::load(
    const std::filesystem::path& dir) {
  if (auto made = make_private_dir(dir); !made) return std::unexpected(made.error());
  std::unique_ptr<AuditKeyRing> ring(new AuditKeyRing(dir));
  auto entries = list_directory(dir);
  if (!entries) return std::unexpected(entries.error());
  for (const auto& entry : *entries) {
    const auto name = entry.path().filename().string();
    if (entry.path().extension() != ".key") continue;
    const auto month = entry.path().stem().string();
    if (!calendar::is_month(month))
      return std::unexpected("unexpected file in " + dir.string() + ": " + name);
    auto key = read_key_file(entry.path(), kAuditKeyBytes);
    if (!key) return std::unexpected(key.error());
    ring->keys_[month] = std::make_unique<Secret>(std::move(*key));
  }
  return ring;
}

std::unique_ptr<AuditKeyRing> AuditKeyRing::in_memory() {
  return std::unique_ptr<AuditKeyRing>(new AuditKeyRing({}));
}

const Secret* AuditKeyRing::find(const std::string& month) const {
  std::lock_guard lock(mutex_);
  const auto it = keys_.find(month);
  return it == keys_.end() ? nullptr : it->second.get();
}

std::expected<const Secret*, std::string> AuditKeyRing::get_or_create(const std::string& month) {
  std::lock_guard lock(mutex_);
  if (auto it = keys_.find(month); it != keys_.end()) return it->second.get();
  if (!calendar::is_month(month))
    return std::unexpected("expected a month as YYYY-MM, got " + month);
  auto key = std::make_unique<Secret>(kAuditKeyBytes);
  randombytes_buf(key->bytes().data(), key->bytes().size());
  if (!dir_.empty()) {
    // Gateways sharing the key directory (issue 17) make a new month's key
    // once: whoever links it first; the others read that one.
    const auto file = dir_ / (month + ".key");
    if (auto written = write_key_file(file, key->bytes()); !written) {
      std::error_code ec;
      if (!std::filesystem::exists(file, ec)) return std::unexpected(written.error());
      auto theirs = read_key_file(file, kAuditKeyBytes);
      if (!theirs) return std::unexpected(theirs.error());
      key = std::make_unique<Secret>(std::move(*theirs));
    }
  }
  return keys_.emplace(month, std::move(key)).first->second.get();
}

void AuditKeyRing::forget_shredded() {
  if (dir_.empty()) return;  // in memory: nothing to shred behind its back
  std::lock_guard lock(mutex_);
  std::erase_if(keys_, [this](const auto& entry) {
    std::error_code ec;  // a file that cannot be checked is kept: never forget a key by mistake
    return !std::filesystem::exists(dir_ / (entry.first + ".key"), ec) && !ec;
  });
}

std::vector<std::string> AuditKeyRing::months() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> months;
  for (const auto& [month, key] : keys_) months.push_back(month);
  return months;
}

std::expected<std::vector<std::string>, std::string> AuditKeyRing::shred_before(
    const std::string& month) {
  if (!calendar::is_month(month))
    return std::unexpected("expected a month as YYYY-MM, got " + month);
  std::lock_guard lock(mutex_);
  std::vector<std::string> shredded;
  for (auto it = keys_.begin(); it != keys_.end() && it->first < month;) {
    if (auto gone = dir_.empty() ? std::expected<void, std::string>{}
                                 : shred_file(dir_ / (it->first + ".key"));
        !gone) {
      return std::unexpected(gone.error());
    }
    shredded.push_back(it->first);
    it = keys_.erase(it);
  }
  return shredded;
}

namespace {

// A key file, or a new random one (0600) when the directory predates it.
std::expected<Secret, std::string> read_or_make_key(const std::filesystem::path& path,
                                                    std::size_t size) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return read_key_file(path, size);
  if (ec) return std::unexpected("cannot check " + path.string() + ": " + ec.message());
  Secret made(size);
  randombytes_buf(made.bytes().data(), made.bytes().size());
  if (auto written = write_key_file(path, made.bytes()); !written) {
    return std::unexpected(written.error());
  }
  return made;
}

Secret random_secret(std::size_t size) {
  Secret made(size);
  randombytes_buf(made.bytes().data(), made.bytes().size());
  return made;
}

}  // namespace

std::expected<void, std::string> KeyStore::init(const std::filesystem::path& dir) {
  ensure_sodium();
  if (auto made = make_private_dir(dir); !made) return made;
  Secret master(kMasterKeyBytes);
  randombytes_buf(master.bytes().data(), master.bytes().size());
  if (auto written = write_key_file(dir / kMasterFile, master.bytes()); !written) return written;
  Secret signing(kSigningKeyBytes);
  PublicKey public_key{};
  crypto_sign_keypair(public_key.data(), signing.bytes().data());
  if (auto written = write_key_file(dir / kSigningFile, signing.bytes()); !written) return written;
  for (const auto& [file, size] :
       {std::pair{kQueueFile, kQueueKeyBytes}, std::pair{kFederationFile, kFederationKeyBytes},
        std::pair{kReidentificationFile, kReidentificationKeyBytes}}) {
    if (auto written = write_key_file(dir / file, random_secret(size).bytes()); !written) {
      return written;
    }
  }
  std::error_code ec;
  if (!std::filesystem::exists(dir / kEpochsFile, ec)) {
    if (ec)
      return std::unexpected("cannot check " + (dir / kEpochsFile).string() + ": " + ec.message());
    if (auto written = write_epochs_file(dir, EpochsFile{}); !written) return written;
  }
  return make_private_dir(dir / kAuditKeysDir);
}

std::expected<std::map<std::string, std::uint32_t>, std::string> KeyStore::read_epochs(
    const std::filesystem::path& dir) {
  auto file = read_epochs_file(dir);
  if (!file) return std::unexpected(file.error());
  return std::move(file->domains);
}

std::expected<KeyStore, std::string> KeyStore::load(const std::filesystem::path& dir) {
  ensure_sodium();
  KeyStore store;
  auto master = read_key_file(dir / kMasterFile, kMasterKeyBytes);
  if (!master) {
    return std::unexpected(master.error() + " (create keys with `schakel keys init --keys " +
                           dir.string() + "`)");
  }
  store.master_ = std::make_unique<Secret>(std::move(*master));
  auto signing = read_key_file(dir / kSigningFile, kSigningKeyBytes);
  if (!signing) return std::unexpected(signing.error());
  store.signing_ = std::make_unique<Secret>(std::move(*signing));
  auto queue = read_or_make_key(dir / kQueueFile, kQueueKeyBytes);
  if (!queue) return std::unexpected(queue.error());
  store.queue_ = std::make_unique<Secret>(std::move(*queue));
  auto federation = read_or_make_key(dir / kFederationFile, kFederationKeyBytes);
  if (!federation) return std::unexpected(federation.error());
  store.federation_ = std::make_unique<Secret>(std::move(*federation));
  auto ended = reidentification_ended(dir);
  if (!ended) return std::unexpected(ended.error());
  if (!*ended) {
    auto reidentification =
        read_or_make_key(dir / kReidentificationFile, kReidentificationKeyBytes);
    if (!reidentification) return std::unexpected(reidentification.error());
    store.reidentification_ = std::make_unique<Secret>(std::move(*reidentification));
  }
  auto epochs = read_epochs_file(dir);
  if (!epochs) return std::unexpected(epochs.error());
  store.epochs_ = std::move(epochs->domains);
  store.untagged_window_ = std::move(epochs->untagged_window);
  auto ring = AuditKeyRing::load(dir / kAuditKeysDir);
  if (!ring) return std::unexpected(ring.error());
  store.audit_keys_ = std::move(*ring);
  return store;
}

std::vector<std::string> KeyStore::inspect(const std::filesystem::path& dir) {
  std::vector<std::string> problems;
  const auto note = [&problems](const auto& result) {
    if (!result) problems.push_back(result.error());
  };
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return {"key directory " + dir.string() +
            " does not exist (create it with `schakel keys init`)"};
  }
  if (auto ok = check_owner_only(dir); !ok) {
    problems.push_back("key directory " + dir.string() +
                       " is open to group or others; chmod 700 it");
  }
  note(read_key_file(dir / kMasterFile, kMasterKeyBytes));
  note(read_key_file(dir / kSigningFile, kSigningKeyBytes));
  for (const auto& [file, size] :
       {std::pair{kQueueFile, kQueueKeyBytes}, std::pair{kFederationFile, kFederationKeyBytes},
        std::pair{kReidentificationFile, kReidentificationKeyBytes}}) {
    if (std::filesystem::exists(dir / file, ec)) note(read_key_file(dir / file, size));
  }
  note(read_epochs_file(dir));
  const auto audit_keys = dir / kAuditKeysDir;
  if (!std::filesystem::exists(audit_keys, ec)) return problems;
  auto entries = list_directory(audit_keys);
  if (!entries) return problems.push_back(entries.error()), problems;
  for (const auto& entry : *entries) {
    if (entry.path().extension() != ".key" || !calendar::is_month(entry.path().stem().string())) {
      problems.push_back("unexpected file in " + audit_keys.string() + ": " +
                         entry.path().filename().string());
    } else {
      note(read_key_file(entry.path(), kAuditKeyBytes));
    }
  }
  return problems;
}

KeyStore KeyStore::ephemeral() {
  ensure_sodium();
  KeyStore store;
  store.master_ = std::make_unique<Secret>(kMasterKeyBytes);
  randombytes_buf(store.master_->bytes().data(), store.master_->bytes().size());
  store.signing_ = std::make_unique<Secret>(kSigningKeyBytes);
  PublicKey public_key{};
  crypto_sign_keypair(public_key.data(), store.signing_->bytes().data());
  store.queue_ = std::make_unique<Secret>(random_secret(kQueueKeyBytes));
  store.federation_ = std::make_unique<Secret>(random_secret(kFederationKeyBytes));
  store.reidentification_ = std::make_unique<Secret>(random_secret(kReidentificationKeyBytes));
  store.audit_keys_ = AuditKeyRing::in_memory();
  return store;
}

std::expected<std::uint32_t, std::string> KeyStore::rotate(const std::filesystem::path& dir,
                                                           const std::string& domain) {
  if (is_transit_domain(domain)) {
    return std::unexpected("a transit domain is agreed with a peer region, never rotated alone");
  }
  auto store = load(dir);
  if (!store) return std::unexpected(store.error());
  const std::uint32_t next = store->epoch(domain) + 1;
  EpochsFile file{store->epochs_, store->untagged_window_};
  file.domains[domain] = next;  // past its window entry: the window closes
  if (auto written = write_epochs_file(dir, file); !written) {
    return std::unexpected(written.error());
  }
  return next;
}

std::expected<bool, std::string> KeyStore::reidentification_ended(
    const std::filesystem::path& dir) {
  std::error_code ec;
  const bool ended = std::filesystem::exists(dir / kReidentificationEndedFile, ec);
  if (ec) {
    return std::unexpected("cannot check " + (dir / kReidentificationEndedFile).string() + ": " +
                           ec.message());
  }
  return ended;
}

std::expected<bool, std::string> KeyStore::shred_reidentification(
    const std::filesystem::path& dir) {
  auto ended = reidentification_ended(dir);
  if (!ended) return std::unexpected(ended.error());
  // The mark first: a crash after it leaves re-identification ended, never a
  // new key made by the next load in place of the one being destroyed.
  if (!*ended) {
    if (auto marked =
            replace_owner_only_file(dir / kReidentificationEndedFile,
                                    calendar::format_instant(calendar::unix_now()) + "\n");
        !marked) {
      return std::unexpected(marked.error());
    }
  }
  std::error_code ec;
  if (!std::filesystem::exists(dir / kReidentificationFile, ec)) {
    if (ec) return std::unexpected("cannot check " + (dir / kReidentificationFile).string());
    return false;
  }
  if (auto gone = shred_file(dir / kReidentificationFile); !gone) {
    return std::unexpected(gone.error());
  }
  return true;
}

PublicKey KeyStore::signing_public_key() const {
  PublicKey key{};
  crypto_sign_ed25519_sk_to_pk(key.data(), signing_->bytes().data());
  return key;
}

FederationPublicKey KeyStore::federation_public_key() const {
  FederationPublicKey key{};
  crypto_scalarmult_base(key.data(), federation_->bytes().data());
  return key;
}

std::uint32_t KeyStore::epoch(const std::string& domain) const {
  auto it = epochs_.find(domain);
  return it == epochs_.end() ? 1 : it->second;
}

}  // namespace schakel::crypto
