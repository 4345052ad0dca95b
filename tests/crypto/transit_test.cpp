// Transit pseudonyms between two regions' gateways (crypto/transit.hpp): the
// two agree the keys without exchanging a secret; a person crosses as a
// transit pseudonym and lands as the receiving region's own pseudonym; and
// whoever holds every key of one region computes no pseudonym of another.
#include "crypto/transit.hpp"

#include <gtest/gtest.h>

#include "crypto/pseudonymiser.hpp"
#include "tests/support/paths.hpp"

namespace schakel::crypto {
namespace {

constexpr const char* kBsn = "999990019";

struct Region {
  KeyStore keys = KeyStore::ephemeral();
  Pseudonymiser pseudonymiser{keys};
};

class TransitTest : public ::testing::Test {
 protected:
  // The transit domain as `from` names it for `to`.
  static std::string domain_towards(const Region& to) {
    return transit_domain(to.keys.federation_public_key());
  }
  Region a_;
  Region b_;
  Region c_;
};

TEST_F(TransitTest, APersonCrossesAsATransitPseudonymAndLandsAsTheReceiversOwn) {
  const auto crossing =
      a_.pseudonymiser.pseudonym(a_.pseudonymiser.subject_of_bsn(kBsn), domain_towards(b_));
  ASSERT_TRUE(crossing.has_value());
  EXPECT_EQ(crossing->find(kBsn), std::string::npos);
  auto arrived = b_.pseudonymiser.subject_of_pseudonym(*crossing, domain_towards(a_));
  ASSERT_TRUE(arrived.has_value()) << describe(arrived.error());
  const auto landed = b_.pseudonymiser.pseudonym(*arrived, "gemeente-oostdorp");
  const auto own =
      b_.pseudonymiser.pseudonym(b_.pseudonymiser.subject_of_bsn(kBsn), "gemeente-oostdorp");
  ASSERT_TRUE(landed && own);
  EXPECT_EQ(*landed, *own);
  // And back the other way, in the same pair's domain.
  const auto back = b_.pseudonymiser.pseudonym(*arrived, domain_towards(a_));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, *crossing);
}

TEST_F(TransitTest, OneRegionsKeysComputeNoPseudonymOfAnotherRegion) {
  // The attacker holds every key of region A, sees the transit pseudonym of
  // A -> B and region B's recipient pseudonym's text.
  const auto subject = a_.pseudonymiser.subject_of_bsn(kBsn);
  const auto crossing = a_.pseudonymiser.pseudonym(subject, domain_towards(b_));
  const auto at_b = b_.pseudonymiser.pseudonym(b_.pseudonymiser.subject_of_bsn(kBsn), "ggz");
  ASSERT_TRUE(crossing && at_b);
  for (std::uint32_t epoch = 1; epoch <= 3; ++epoch) {
    const auto guess = a_.pseudonymiser.pseudonym_at(subject, "ggz", epoch);
    ASSERT_TRUE(guess.has_value());
    EXPECT_NE(*guess, *at_b) << "epoch " << epoch;
  }
  auto translated = a_.pseudonymiser.subject_of_pseudonym(*crossing, domain_towards(b_));
  ASSERT_TRUE(translated.has_value());
  EXPECT_NE(*a_.pseudonymiser.pseudonym(*translated, "ggz"), *at_b);
  // B's pseudonym is no pseudonym of any domain A's keys know.
  EXPECT_FALSE(a_.pseudonymiser.subject_of_pseudonym(*at_b, "ggz"));
  EXPECT_FALSE(a_.pseudonymiser.subject_of_pseudonym(*at_b, domain_towards(b_)));
  // A third region, peer of B too, cannot read A and B's transit pseudonym.
  EXPECT_FALSE(c_.pseudonymiser.subject_of_pseudonym(*crossing, domain_towards(b_)));
  EXPECT_FALSE(c_.pseudonymiser.subject_of_pseudonym(*crossing, domain_towards(a_)));
}

TEST_F(TransitTest, TheSeedIsThePairsWhicheverSideComputesIt) {
  const auto at_a = transit_seed(a_.keys.federation_key(), b_.keys.federation_public_key());
  const auto at_b = transit_seed(b_.keys.federation_key(), a_.keys.federation_public_key());
  const auto with_c = transit_seed(a_.keys.federation_key(), c_.keys.federation_public_key());
  ASSERT_TRUE(at_a && at_b && with_c);
  EXPECT_TRUE(std::ranges::equal(at_a->bytes(), at_b->bytes()));
  EXPECT_FALSE(std::ranges::equal(at_a->bytes(), with_c->bytes()));
}

TEST_F(TransitTest, AnUnusableOrMisspelledPeerKeyGivesNoKeysAtAll) {
  const auto subject = a_.pseudonymiser.subject_of_bsn(kBsn);
  const FederationPublicKey zero{};  // a small-order point
  EXPECT_FALSE(usable_federation_key(zero));
  EXPECT_TRUE(usable_federation_key(b_.keys.federation_public_key()));
  std::string upper = domain_towards(b_);
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  upper.replace(0, kTransitDomainPrefix.size(), kTransitDomainPrefix);
  for (const std::string& domain :
       {transit_domain(zero), std::string("transit:00"), std::string("transit:"), upper}) {
    const auto pseudonym = a_.pseudonymiser.pseudonym(subject, domain);
    ASSERT_FALSE(pseudonym.has_value()) << domain;
    EXPECT_EQ(pseudonym.error(), PseudonymError::kUnknownDomain);
    const auto field = a_.pseudonymiser.field_pseudonym("WIJK-1", domain);
    ASSERT_FALSE(field.has_value()) << domain;
  }
}

TEST_F(TransitTest, ATransitDomainTakesOnlyTaggedPseudonymsAtEpochOne) {
  const auto crossing =
      a_.pseudonymiser.pseudonym(a_.pseudonymiser.subject_of_bsn(kBsn), domain_towards(b_));
  ASSERT_TRUE(crossing.has_value());
  EXPECT_TRUE(crossing->starts_with("v1."));
  EXPECT_FALSE(b_.pseudonymiser.accepts_untagged(domain_towards(a_)));
  const std::string untagged = crossing->substr(0, crossing->rfind('.'));
  EXPECT_EQ(b_.pseudonymiser.subject_of_pseudonym(untagged, domain_towards(a_)).error(),
            PseudonymError::kUntaggedOutsideWindow);
}

TEST(FederationKeyTest, IsMadeOnceForAnOlderKeyDirectoryAndNeverRotatedAlone) {
  testing::TempDir dir;
  ASSERT_TRUE(KeyStore::init(dir.path() / "keys"));
  std::filesystem::remove(dir.path() / "keys" / "federation.key");  // a directory from before
  auto first = KeyStore::load(dir.path() / "keys");
  ASSERT_TRUE(first.has_value()) << first.error();
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "keys" / "federation.key"));
  auto second = KeyStore::load(dir.path() / "keys");
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(first->federation_public_key(), second->federation_public_key());
  EXPECT_EQ(parse_federation_key(format_federation_key(first->federation_public_key())),
            first->federation_public_key());
  auto rotated =
      KeyStore::rotate(dir.path() / "keys", transit_domain(first->federation_public_key()));
  EXPECT_FALSE(rotated.has_value());
}

}  // namespace
}  // namespace schakel::crypto
