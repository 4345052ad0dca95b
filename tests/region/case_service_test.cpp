// Opening a case (issue 14) on the SQLite store and an ephemeral key ring:
// a partner the region leaves out of the purpose is no participant and no
// director; a contact that is not a string is refused, never replaced by
// the partner's default.
#include "region/case_service.hpp"

#include <gtest/gtest.h>

#include "crypto/key_store.hpp"
#include "policy/loader.hpp"
#include "region/sqlite_case_store.hpp"
#include "tests/support/example_policy.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/region_database.hpp"

namespace schakel::region {
namespace {

using json = nlohmann::json;

constexpr const char* kZvh = "00000001005678901000";
constexpr const char* kMentalHealth = "00000003003456789000";
constexpr calendar::Date kToday = std::chrono::year{2026} / 11 / 26;

json opening(json participants, json extra = json::object()) {
  json out = {{"subject", {{"bsn", "999990019"}}},
              {"purpose", "zvh-case-consultation"},
              {"level", 2},
              {"participants", std::move(participants)}};
  for (auto& [key, value] : extra.items()) out[key] = value;
  return out;
}

class CaseServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = testing::open_test_region(dir_.path());
    ASSERT_TRUE(opened.has_value()) << opened.error();
    store_ = std::make_unique<SqliteCaseStore>(*opened);
    service_ = std::make_unique<CaseService>(*store_, pseudonymiser_);
  }
  std::expected<CaseOutcome, Problem> open(const json& body) {
    return service_->open(*policy_, *policy_->partner_by_oin(kZvh), body.dump(), kToday,
                          new_case_id());
  }

  std::shared_ptr<const policy::Policy> policy_ = testing::example_policy();
  crypto::KeyStore keys_ = crypto::KeyStore::ephemeral();
  crypto::Pseudonymiser pseudonymiser_{keys_};
  testing::TempDir dir_;
  std::unique_ptr<SqliteCaseStore> store_;
  std::unique_ptr<CaseService> service_;
};

TEST_F(CaseServiceTest, APartnerTheRegionLeavesOutOfThePurposeIsNoParticipant) {
  const json ggz = json::array({{{"partner", kMentalHealth}}});
  ASSERT_TRUE(open(opening(ggz)).has_value()) << "the example region leaves no one out";
  testing::TempDir files;
  json region = json::parse(testing::read_file(testing::example_region_file()));
  region["purposes"]["zvh-case-consultation"]["partners"] =
      json::array({"zvh-voorbeeld", "politie-eenheid-voorbeeld"});
  testing::write_file(files.path() / "region.json", region.dump());
  auto narrowed = policy::load_policy({testing::guideline_file(), files.path() / "region.json"});
  ASSERT_TRUE(narrowed.has_value());
  policy_ = *narrowed;
  auto refused = open(opening(ggz));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().kind, ProblemKind::kRoleNotPermitted);
  EXPECT_EQ(refused.error().rule, "region.json#/purposes/zvh-case-consultation/partners");
}

TEST_F(CaseServiceTest, AContactThatIsNoStringIsRefused) {
  for (const json& body :
       {opening(json::array(), {{"contact", 12345}}),
        opening(json::array({{{"partner", kMentalHealth}, {"contact", json::array({"x"})}}}))}) {
    auto refused = open(body);
    ASSERT_FALSE(refused.has_value()) << body.dump();
    EXPECT_EQ(refused.error().kind, ProblemKind::kMalformedBody) << body.dump();
  }
}

}  // namespace
}  // namespace schakel::region
