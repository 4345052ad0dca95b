#include "crypto/key_store.hpp"

#include <sodium.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <regex>

#include <nlohmann/json.hpp>

#include "crypto/encoding.hpp"
#include "crypto/key_files.hpp"

namespace schakel::crypto {
namespace {

constexpr const char* kMasterFile = "master.key";
constexpr const char* kSigningFile = "audit-signing.key";
constexpr const char* kEpochsFile = "epochs.json";
constexpr const char* kAuditKeysDir = "audit-keys";

bool is_month(const std::string& text) {
  static const std::regex pattern(R"([0-9]{4}-(0[1-9]|1[0-2]))");
  return std::regex_match(text, pattern);
}

std::expected<void, std::string> make_private_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return std::unexpected("cannot create directory " + dir.string() + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
  return {};
}

}  // namespace

std::string month_of(std::chrono::system_clock::time_point when) {
  const std::chrono::year_month_day day{std::chrono::floor<std::chrono::days>(when)};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()));
  return text;
}

std::expected<std::unique_ptr<AuditKeyRing>, std::string> AuditKeyRing::load(
    const std::filesystem::path& dir) {
  if (auto made = make_private_dir(dir); !made) return std::unexpected(made.error());
  std::unique_ptr<AuditKeyRing> ring(new AuditKeyRing(dir));
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto name = entry.path().filename().string();
    if (entry.path().extension() != ".key") continue;
    const auto month = entry.path().stem().string();
    if (!is_month(month))
      return std::unexpected("unexpected file in " + dir.string() + ": " + name);
    auto key = read_key_file(entry.path(), kAuditKeyBytes);
    if (!key) return std::unexpected(key.error());
    ring->keys_[month] = std::make_unique<Secret>(std::move(*key));
  }
  return ring;
}

const Secret* AuditKeyRing::key_for(const std::string& month, bool create) const {
  std::lock_guard lock(mutex_);
  if (auto it = keys_.find(month); it != keys_.end()) return it->second.get();
  if (!create || !is_month(month)) return nullptr;
  auto key = std::make_unique<Secret>(kAuditKeyBytes);
  randombytes_buf(key->bytes().data(), key->bytes().size());
  if (!write_key_file(dir_ / (month + ".key"), key->bytes())) return nullptr;
  return keys_.emplace(month, std::move(key)).first->second.get();
}

void AuditKeyRing::forget_shredded() {
  std::lock_guard lock(mutex_);
  std::erase_if(keys_, [this](const auto& entry) {
    return !std::filesystem::exists(dir_ / (entry.first + ".key"));
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
  if (!is_month(month)) return std::unexpected("expected a month as YYYY-MM, got " + month);
  std::lock_guard lock(mutex_);
  std::vector<std::string> shredded;
  for (auto it = keys_.begin(); it != keys_.end() && it->first < month;) {
    if (auto gone = shred_file(dir_ / (it->first + ".key")); !gone) {
      return std::unexpected(gone.error());
    }
    shredded.push_back(it->first);
    it = keys_.erase(it);
  }
  return shredded;
}

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
  return make_private_dir(dir / kAuditKeysDir);
}

std::expected<std::map<std::string, std::uint32_t>, std::string> KeyStore::read_epochs(
    const std::filesystem::path& dir) {
  const auto path = dir / kEpochsFile;
  std::map<std::string, std::uint32_t> epochs;
  if (!std::filesystem::exists(path)) return epochs;
  if (auto owner_only = check_owner_only(path); !owner_only) {
    return std::unexpected(owner_only.error());
  }
  std::ifstream in(path);
  auto document = nlohmann::json::parse(in, nullptr, false);
  if (document.is_discarded() || !document.is_object() || !document.contains("domains") ||
      !document["domains"].is_object()) {
    return std::unexpected(path.string() + ": expected {\"domains\": {DOMAIN: EPOCH, ...}}");
  }
  for (const auto& [domain, epoch] : document["domains"].items()) {
    if (!epoch.is_number_unsigned() || epoch.get<std::uint64_t>() < 1 ||
        epoch.get<std::uint64_t>() > 1'000'000) {
      return std::unexpected(path.string() + ": /domains/" + domain +
                             ": epoch must be a whole number from 1");
    }
    epochs[domain] = epoch.get<std::uint32_t>();
  }
  return epochs;
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
  auto epochs = read_epochs(dir);
  if (!epochs) return std::unexpected(epochs.error());
  store.epochs_ = std::move(*epochs);
  auto ring = AuditKeyRing::load(dir / kAuditKeysDir);
  if (!ring) return std::unexpected(ring.error());
  store.audit_keys_ = std::move(*ring);
  return store;
}

std::expected<std::uint32_t, std::string> KeyStore::rotate(const std::filesystem::path& dir,
                                                           const std::string& domain) {
  auto store = load(dir);
  if (!store) return std::unexpected(store.error());
  auto epochs = store->epochs_;
  const std::uint32_t next = store->epoch(domain) + 1;
  epochs[domain] = next;
  const nlohmann::json document = {{"domains", epochs}};
  if (auto written = replace_owner_only_file(dir / kEpochsFile, document.dump(2) + "\n");
      !written) {
    return std::unexpected(written.error());
  }
  return next;
}

PublicKey KeyStore::signing_public_key() const {
  PublicKey key{};
  crypto_sign_ed25519_sk_to_pk(key.data(), signing_->bytes().data());
  return key;
}

std::uint32_t KeyStore::epoch(const std::string& domain) const {
  auto it = epochs_.find(domain);
  return it == epochs_.end() ? 1 : it->second;
}

}  // namespace schakel::crypto
