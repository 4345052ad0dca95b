// Fuzz target: the text forms of pseudonyms, keys and tokens.
//  - crypto/pseudonymiser.hpp subject_of_pseudonym ("v<epoch>.<point>.<tag>",
//    the one pseudonym text a partner sends): refused, or a subject whose
//    pseudonym at that epoch is the same text (version without leading zeros)
//    and which no other domain takes (the tag binds it to its domain);
//  - crypto/encoding.hpp from_hex / from_base64url: what decodes re-encodes
//    to the same text (hex: lower-cased), so one value has one text form;
//  - audit tokens' month ("t1.<month>.<b64>"): a month the key ring does not
//    hold gives no token, and never creates a key;
//  - the key directory's epochs.json (KeyStore::read_epochs) and the exported
//    audit public key "ed25519:HEX" (audit::read_public_key).
#include <sys/stat.h>

#include <fstream>
#include <memory>

#include "audit/verify.hpp"
#include "crypto/encoding.hpp"
#include "crypto/key_store.hpp"
#include "crypto/pseudonymiser.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace schakel::crypto;  // NOLINT(google-build-using-namespace)
using schakel::fuzz::require;
using schakel::fuzz::violated;

constexpr const char* kDomain = "politie";  // rotated to epoch 3: v1, v2 and v3 are valid

struct Keys {
  schakel::fuzz::ScratchDir scratch;
  std::filesystem::path key_dir = scratch.path() / "keys";
  std::filesystem::path text_dir = scratch.path() / "text";
  std::unique_ptr<KeyStore> store;
  std::unique_ptr<Pseudonymiser> pseudonymiser;

  Keys() {
    if (!KeyStore::init(key_dir) || !KeyStore::rotate(key_dir, kDomain) ||
        !KeyStore::rotate(key_dir, kDomain)) {
      violated("cannot create the fuzz key directory");
    }
    auto loaded = KeyStore::load(key_dir);
    if (!loaded) violated("cannot load the fuzz key directory");
    store = std::make_unique<KeyStore>(std::move(*loaded));
    pseudonymiser = std::make_unique<Pseudonymiser>(*store);
    std::filesystem::create_directories(text_dir);
    ::chmod(text_dir.c_str(), 0700);
  }
};

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

void check_encodings(std::string_view text) {
  if (const auto bytes = from_hex(text)) {
    require(to_hex(*bytes) == lower(text), "from_hex accepted a text that is not its hex");
  }
  if (const auto bytes = from_base64url(text)) {
    require(to_base64url(*bytes) == text,
            "from_base64url accepted a second text form of the same bytes");
  }
}

void check_pseudonym(const Keys& keys, std::string_view text) {
  auto subject = keys.pseudonymiser->subject_of_pseudonym(text, kDomain);
  if (!subject) return;
  const auto dot = text.find('.');
  std::uint32_t version = 0;
  for (const char c : text.substr(1, dot - 1))
    version = version * 10 + static_cast<std::uint32_t>(c - '0');
  require(version >= 1 && version <= 3, "a pseudonym of an epoch that does not exist was accepted");
  const std::string again = keys.pseudonymiser->pseudonym_at(*subject, kDomain, version).value();
  require(again == "v" + std::to_string(version) + std::string(text.substr(dot)),
          "an accepted pseudonym is not the pseudonym of the subject it names");
  require(!keys.pseudonymiser->subject_of_pseudonym(text, "zvh"),
          "a pseudonym was taken in a domain it was not issued in");
  // Translation to another domain and the audit token work on any accepted subject.
  require(keys.pseudonymiser->pseudonym(*subject, "zvh").value().starts_with("v1."),
          "a translated pseudonym is not of the other domain's epoch");
}

void check_month(const Keys& keys, std::string_view text) {
  const auto subject = keys.pseudonymiser->subject_of_bsn("999990019");
  const auto months_before = keys.store->audit_keys().months().size();
  const auto token = keys.pseudonymiser->audit_token_in(subject, std::string(text));
  require(!token, "an audit token for a month whose key does not exist");
  require(keys.store->audit_keys().months().size() == months_before,
          "looking up a month's token created a key");
}

void check_files(const Keys& keys, std::string_view text) {
  {
    std::ofstream out(keys.text_dir / "epochs.json", std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
  }
  ::chmod((keys.text_dir / "epochs.json").c_str(), 0600);
  if (const auto epochs = KeyStore::read_epochs(keys.text_dir)) {
    for (const auto& [domain, epoch] : *epochs) {
      require(epoch >= 1 && epoch <= 1'000'000, "an epoch out of range was read");
    }
  }
  std::filesystem::copy_file(keys.text_dir / "epochs.json", keys.text_dir / "public.key",
                             std::filesystem::copy_options::overwrite_existing);
  if (const auto key = schakel::audit::read_public_key(keys.text_dir / "public.key")) {
    require(text.starts_with("ed25519:"), "a public key without its ed25519: prefix was read");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Keys keys;
  const auto text = schakel::fuzz::text_of(data, size);
  check_encodings(text);
  check_pseudonym(keys, text);
  check_month(keys, text);
  check_files(keys, text);
  return 0;
}
