// The region file's "peers" and their signed directories (policy/peers_loader.hpp,
// policy/peer_directory.hpp), and how a decision treats a peer region's partners.
#include "policy/peers_loader.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "crypto/encoding.hpp"
#include "crypto/transit.hpp"
#include "policy/decision.hpp"
#include "policy/loader.hpp"
#include "policy/peer_directory.hpp"
#include "tests/support/paths.hpp"

namespace schakel::policy {
namespace {

using nlohmann::json;

constexpr const char* kMunicipalityB = "00000001001234567111";
constexpr const char* kPrison = "00000001008901234000";
constexpr const char* kPolice = "00000001002345678000";
constexpr const char* kMunicipality = "00000001001234567000";

class PeersLoaderTest : public ::testing::Test {
 protected:
  PeersLoaderTest() {
    region_ = json::parse(testing::read_file(testing::example_region_file()));
    entry_ = {
        {"id", "regio-b"},
        {"endpoint", "https://gateway.regio-b.example:8443"},
        {"gateway_oin", "00000009000000000011"},
        {"checkpoint_key", key_line(peer_keys_)},
        {"directory", "peer-b.json"},
        {"purposes", {{"aftercare-after-detention", "both"}, {"e33-confused-behaviour", "in"}}}};
    directory_.region = "Regio B";
    directory_.issued = "2026-11-27T12:00:00Z";
    directory_.federation_key = peer_keys_.federation_public_key();
    directory_.partners = {{kMunicipalityB, "Gemeente Oostdorp", "municipality"},
                           {kPrison, "PI Voorbeeld", "prison"},
                           {"00000001002345678999", "Politie Oost", "police"}};
  }

  static std::string key_line(const crypto::KeyStore& keys) {
    return "ed25519:" + crypto::to_hex(keys.signing_public_key());
  }

  // Writes the region with `peers` and the directory signed by `signer`, then loads.
  std::expected<std::shared_ptr<const Policy>, ConfigErrors> load(
      const json& peers, const crypto::KeyStore* signer = nullptr,
      const std::function<void(json&)>& alter = {}) {
    json signed_json = signed_directory(directory_, signer ? *signer : peer_keys_);
    if (alter) alter(signed_json);
    testing::write_file(dir_.path() / "peer-b.json", signed_json.dump(2));
    json region = region_;
    region["peers"] = peers;
    testing::write_file(dir_.path() / "region.json", region.dump(2));
    return load_policy({testing::guideline_file(), dir_.path() / "region.json"});
  }

  static bool mentions(const ConfigErrors& errors, const std::string& where,
                       const std::string& text) {
    for (const auto& error : errors) {
      if (error.where == where && error.message.find(text) != std::string::npos) return true;
    }
    return false;
  }

  testing::TempDir dir_;
  crypto::KeyStore peer_keys_ = crypto::KeyStore::ephemeral();
  json region_;
  json entry_;
  PartnerDirectory directory_;
};

TEST_F(PeersLoaderTest, AVerifiedDirectoryMakesThePeersPartnersReachable) {
  auto policy = load(json::array({entry_}));
  ASSERT_TRUE(policy.has_value()) << join_lines(policy.error());
  ASSERT_EQ((*policy)->peers().size(), 1u);
  const PeerRegion& peer = (*policy)->peers()[0];
  EXPECT_EQ(peer.region, "Regio B");
  EXPECT_EQ(peer.transit_domain, crypto::transit_domain(peer_keys_.federation_public_key()));
  EXPECT_EQ((*policy)->peer_by_gateway_oin("00000009000000000011"), &peer);
  const Partner* remote = (*policy)->recipient_by_oin(kMunicipalityB);
  ASSERT_NE(remote, nullptr);
  EXPECT_EQ(remote->peer, "regio-b");
  EXPECT_EQ(remote->role, "municipality");
  EXPECT_EQ(remote->endpoint.host, "gateway.regio-b.example");
  EXPECT_EQ(remote->endpoint.target, "/v1/federation/messages");
  EXPECT_EQ(remote->endpoint_oin, "00000009000000000011");
  EXPECT_EQ(remote->pseudonym_domain, peer.transit_domain);
  // The prison is a partner here too: this region's listing wins for a message.
  EXPECT_TRUE((*policy)->recipient_by_oin(kPrison)->peer.empty());
  EXPECT_NE((*policy)->remote_partner("regio-b", kPrison), nullptr);
  EXPECT_EQ((*policy)->partner_by_oin(kMunicipalityB), nullptr);
}

TEST_F(PeersLoaderTest, ADirectoryTheCheckpointKeyDidNotSignIsRefused) {
  const crypto::KeyStore other = crypto::KeyStore::ephemeral();
  const std::vector<std::pair<const char*, std::function<void(json&)>>> forgeries = {
      {"signed by another region", {}},
      {"a role changed after signing", [](json& d) { d["partners"][0]["role"] = "police"; }},
      {"a partner added after signing",
       [](json& d) {
         d["partners"].push_back(
             {{"oin", "00000001001234567999"}, {"name", "Extra"}, {"role", "municipality"}});
       }},
      {"another federation key",
       [&other](json& d) {
         d["federation_key"] = crypto::format_federation_key(other.federation_public_key());
       }},
      {"no signature", [](json& d) { d.erase("signature"); }},
  };
  for (std::size_t i = 0; i < forgeries.size(); ++i) {
    const auto& [name, alter] = forgeries[i];
    auto policy = load(json::array({entry_}), i == 0 ? &other : nullptr, alter);
    ASSERT_FALSE(policy.has_value()) << name;
    EXPECT_TRUE(mentions(policy.error(), "/peers/0/directory", "/signature"))
        << name << "\n"
        << join_lines(policy.error());
  }
}

TEST_F(PeersLoaderTest, ARepublishedDirectoryChangesThePolicysHash) {
  auto first = load(json::array({entry_}));
  directory_.partners.pop_back();
  auto second = load(json::array({entry_}));
  ASSERT_TRUE(first && second);
  EXPECT_NE((*first)->hash(), (*second)->hash());
}

TEST_F(PeersLoaderTest, EachMistakeIsNamedByFileAndPointer) {
  struct Case {
    const char* name;
    std::function<void(json& peers)> change;
    const char* where;
    const char* text;
  };
  const std::vector<Case> cases = {
      {"purpose not enabled", [](json& p) { p[0]["purposes"]["human-trafficking-signal"] = "out"; },
       "/peers/0/purposes/human-trafficking-signal", "not enabled"},
      {"direction", [](json& p) { p[0]["purposes"]["aftercare-after-detention"] = "sideways"; },
       "/peers/0/purposes/aftercare-after-detention", "\"out\", \"in\" or \"both\""},
      {"gateway is a partner", [](json& p) { p[0]["gateway_oin"] = kPolice; },
       "/peers/0/gateway_oin", "two identities"},
      {"duplicate id",
       [](json& p) {
         p.push_back(p[0]);
         p[1]["gateway_oin"] = "00000009000000000012";
       },
       "/peers/1/id", "duplicate"},
      {"one gateway for two peers",
       [](json& p) {
         p.push_back(p[0]);
         p[1]["id"] = "regio-c";
       },
       "/peers/1/gateway_oin", "two peer regions"},
      {"checkpoint key", [](json& p) { p[0]["checkpoint_key"] = "ed25519:abc"; },
       "/peers/0/checkpoint_key", "ed25519:HEX"},
      {"missing directory", [](json& p) { p[0]["directory"] = "nowhere.json"; },
       "/peers/0/directory", "nowhere.json"},
      {"endpoint", [](json& p) { p[0]["endpoint"] = "http://gateway"; }, "/peers/0/endpoint",
       "https://"},
      {"endpoint with a path",
       [](json& p) { p[0]["endpoint"] = "https://gateway:8443/v1/federation/messages"; },
       "/peers/0/endpoint", "base URL"},
      {"unknown member", [](json& p) { p[0]["trust"] = "always"; }, "/peers/0/trust", ""},
      {"no directory", [](json& p) { p[0]["directory"] = ""; }, "/peers/0/directory", "must name"},
      {"endpoint is a partner", [](json& p) { p[0]["endpoint_oin"] = kPolice; },
       "/peers/0/endpoint_oin", "two identities"},
  };
  for (const auto& c : cases) {
    json peers = json::array({entry_});
    c.change(peers);
    auto policy = load(peers);
    ASSERT_FALSE(policy.has_value()) << c.name;
    EXPECT_TRUE(mentions(policy.error(), c.where, c.text)) << c.name << "\n"
                                                           << join_lines(policy.error());
  }
}

// Signed by the peer, and still refused: what no directory may say.
TEST_F(PeersLoaderTest, ASignedDirectoryIsStillReadStrictly) {
  const std::vector<std::tuple<const char*, std::function<void(PartnerDirectory&)>, const char*>>
      cases = {
          {"a control character in its name",
           [](PartnerDirectory& d) { d.region = "Regio B\n\x1b[31mFAKE"; }, "/region"},
          {"no instant", [](PartnerDirectory& d) { d.issued = "yesterday-ish"; }, "/issued"},
          {"a partner of this region under another role",
           [](PartnerDirectory& d) { d.partners[1].role = "municipality"; }, "one identity"},
          {"a partner's name with a control character",
           [](PartnerDirectory& d) { d.partners[0].name = "Gemeente\rOostdorp"; }, "/name"},
      };
  for (const auto& [name, change, text] : cases) {
    PartnerDirectory saved = directory_;
    change(directory_);
    auto policy = load(json::array({entry_}));
    directory_ = saved;
    ASSERT_FALSE(policy.has_value()) << name;
    EXPECT_TRUE(mentions(policy.error(), "/peers/0/directory", text)) << name << "\n"
                                                                      << join_lines(policy.error());
  }
}

TEST_F(PeersLoaderTest, NoPartnerOfTheRegionHasATransitDomain) {
  region_["partners"][0]["pseudonym_domain"] = "transit:abc";
  auto policy = load(json::array());
  ASSERT_FALSE(policy.has_value());
  EXPECT_TRUE(mentions(policy.error(), "/partners/0/pseudonym_domain", "transit:"));
}

TEST_F(PeersLoaderTest, APurposeCrossesOnlyTheWayThePeersEntryAllows) {
  auto policy = load(json::array({entry_}));
  ASSERT_TRUE(policy.has_value()) << join_lines(policy.error());
  const Policy& p = **policy;
  const Partner& prison = *p.partner_by_oin(kPrison);
  const Partner& police = *p.partner_by_oin(kPolice);
  const Partner& remote_police = *p.remote_partner("regio-b", "00000001002345678999");
  // aftercare crosses both ways.
  EXPECT_TRUE(decide(p, prison, kMunicipalityB, "aftercare-after-detention", 1));
  // e33 crosses in only: police here -> municipality there is refused, citing the entry.
  auto out = decide(p, police, kMunicipalityB, "e33-confused-behaviour", 1);
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().rule, "region.json#/peers/0/purposes");
  EXPECT_TRUE(decide(p, remote_police, kMunicipality, "e33-confused-behaviour", 1));
  // Never from one peer region on to another (here: back to a partner of the same peer).
  auto onward = decide(p, *p.remote_partner("regio-b", kPrison), kMunicipalityB,
                       "aftercare-after-detention", 1);
  ASSERT_FALSE(onward.has_value());
  EXPECT_EQ(onward.error().kind, ProblemKind::kUnknownRecipient);
  // The guideline's roles still decide: a police unit there may not receive aftercare.
  EXPECT_FALSE(decide(p, prison, "00000001002345678999", "aftercare-after-detention", 1));
}

TEST_F(PeersLoaderTest, APartnerThatTwoPeersListIsNotGuessedAt) {
  json second = entry_;
  second["id"] = "regio-c";
  second["gateway_oin"] = "00000009000000000021";
  auto policy = load(json::array({entry_, second}));
  ASSERT_TRUE(policy.has_value()) << join_lines(policy.error());
  bool ambiguous = false;
  EXPECT_EQ((*policy)->recipient_by_oin(kMunicipalityB, &ambiguous), nullptr);
  EXPECT_TRUE(ambiguous);
  auto refused = decide(**policy, *(*policy)->partner_by_oin(kPrison), kMunicipalityB,
                        "aftercare-after-detention", 1);
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().detail.find("more than one peer region"), std::string::npos);
}

}  // namespace
}  // namespace schakel::policy
