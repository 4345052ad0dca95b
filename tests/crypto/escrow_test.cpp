// The re-identification escrow's crypto (issue 15): an entry is found from
// any pseudonym of the person, whichever domain, and opens to the BSN only
// at its own lookup, unaltered and under its own key; it holds no BSN in
// clear; a person named by pseudonym leaves no entry; a recurring person
// costs no second one. Shredding the key marks the directory, destroys the
// key file and never lets a load make a new one.
#include "crypto/escrow.hpp"

#include <gtest/gtest.h>

#include "crypto/key_store.hpp"
#include "crypto/pseudonymiser.hpp"
#include "tests/support/paths.hpp"

namespace schakel::crypto {
namespace {

constexpr std::string_view kBsn = "999990019";

TEST(Escrow, AnEntryIsFoundFromEveryDomainsPseudonymAndOpensOnlyThere) {
  KeyStore keys = KeyStore::ephemeral();
  ASSERT_NE(keys.reidentification_key(), nullptr);
  const Pseudonymiser pseudonymiser(keys);
  const EscrowKey key(*keys.reidentification_key());
  const Subject by_bsn = pseudonymiser.subject_of_bsn(kBsn);
  auto entry = pseudonymiser.escrow_entry(by_bsn, key);
  ASSERT_TRUE(entry.has_value());
  const std::string sealed(entry->sealed.begin(), entry->sealed.end());
  EXPECT_EQ(sealed.find(kBsn), std::string::npos);
  EXPECT_TRUE(pseudonymiser.escrow_entry(pseudonymiser.subject_of_bsn(kBsn), key).has_value())
      << "made again until it is kept";
  pseudonymiser.escrowed(*entry);
  EXPECT_FALSE(pseudonymiser.escrow_entry(pseudonymiser.subject_of_bsn(kBsn), key).has_value())
      << "the cache remembers a person kept";

  for (const char* domain : {"zvh", "ggz-voorbeeld"}) {
    auto pseudonym = pseudonymiser.pseudonym(by_bsn, domain);
    ASSERT_TRUE(pseudonym.has_value());
    auto named = pseudonymiser.subject_of_pseudonym(*pseudonym, domain);
    ASSERT_TRUE(named.has_value());
    EXPECT_EQ(pseudonymiser.escrow_lookup(*named, key), entry->lookup) << domain;
    EXPECT_FALSE(pseudonymiser.escrow_entry(*named, key).has_value()) << "no BSN to seal";
  }
  auto opened = key.open(entry->sealed, entry->lookup);
  ASSERT_TRUE(opened.has_value()) << opened.error();
  EXPECT_EQ(*opened, kBsn);

  const EscrowLookup other =
      pseudonymiser.escrow_lookup(pseudonymiser.subject_of_bsn("111222333"), key);
  EXPECT_NE(other, entry->lookup);
  EXPECT_FALSE(key.open(entry->sealed, other).has_value()) << "moved to another person";
  auto altered = entry->sealed;
  altered.back() ^= 1;
  EXPECT_FALSE(key.open(altered, entry->lookup).has_value());
  EXPECT_FALSE(key.open({1, 2}, entry->lookup).has_value());
  const KeyStore other_keys = KeyStore::ephemeral();
  const EscrowKey other_key(*other_keys.reidentification_key());
  EXPECT_FALSE(other_key.open(entry->sealed, entry->lookup).has_value()) << "another key";
  EXPECT_NE(other_key.lookup_of(std::span<const std::uint8_t, 32>(entry->lookup)),
            key.lookup_of(std::span<const std::uint8_t, 32>(entry->lookup)))
      << "the lookup is keyed";
}

TEST(Escrow, ShreddingEndsReidentificationForGood) {
  testing::TempDir dir;
  const auto keys_dir = dir.path() / "keys";
  ASSERT_TRUE(KeyStore::init(keys_dir).has_value());
  ASSERT_TRUE(std::filesystem::exists(keys_dir / "reidentification.key"));
  auto loaded = KeyStore::load(keys_dir);
  ASSERT_TRUE(loaded.has_value()) << loaded.error();
  ASSERT_NE(loaded->reidentification_key(), nullptr);
  EXPECT_FALSE(KeyStore::reidentification_ended(keys_dir).value());

  auto shredded = KeyStore::shred_reidentification(keys_dir);
  ASSERT_TRUE(shredded.has_value()) << shredded.error();
  EXPECT_TRUE(*shredded);
  EXPECT_FALSE(std::filesystem::exists(keys_dir / "reidentification.key"));
  EXPECT_TRUE(KeyStore::reidentification_ended(keys_dir).value());
  auto again = KeyStore::load(keys_dir);
  ASSERT_TRUE(again.has_value()) << again.error();
  EXPECT_EQ(again->reidentification_key(), nullptr);
  EXPECT_FALSE(std::filesystem::exists(keys_dir / "reidentification.key")) << "never made again";
  EXPECT_FALSE(KeyStore::shred_reidentification(keys_dir).value()) << "nothing left to destroy";
}

}  // namespace
}  // namespace schakel::crypto
