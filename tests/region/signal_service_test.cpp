// Signals, "who else is involved" (issue 14), on the SQLite store and an
// ephemeral key ring, with the day injected: matching across roles and
// purposes, symmetric and idempotent, withdrawal, expiry and the prune of
// history, questions answered as far as the pairs allow, and a store that
// holds no BSN and no partner's pseudonym.
#include "region/signal_service.hpp"

#include <gtest/gtest.h>

#include <limits>

#include <fstream>
#include <sstream>

#include "crypto/key_store.hpp"
#include "policy/loader.hpp"
#include "region/sqlite_record_outbox.hpp"
#include "region/sqlite_signal_store.hpp"
#include "tests/support/example_policy.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/region_database.hpp"

namespace schakel::region {
namespace {

using json = nlohmann::json;

constexpr const char* kPolice = "00000001002345678000";
constexpr const char* kMentalHealth = "00000003003456789000";
constexpr const char* kMunicipality = "00000001001234567000";
constexpr const char* kProsecutor = "00000001006789012000";
constexpr const char* kBsn = "999990019";
constexpr calendar::Date kToday = std::chrono::year{2026} / 11 / 26;

calendar::Date plus(calendar::Date day, int days) {
  return calendar::Date(std::chrono::sys_days(day) + std::chrono::days(days));
}

std::string body(const std::string& purpose, const std::string& contact,
                 json subject = {{"bsn", kBsn}}, json extra = json::object()) {
  json out = {{"subject", subject}, {"purpose", purpose}, {"contact", contact}};
  for (auto& [key, value] : extra.items()) out[key] = value;
  return out.dump();
}

std::string question(const std::string& purpose) {
  return json{{"subject", {{"bsn", kBsn}}}, {"purpose", purpose}}.dump();
}

class SignalServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = testing::open_test_region(dir_.path());
    ASSERT_TRUE(opened.has_value()) << opened.error();
    store_ = std::make_unique<SqliteSignalStore>(*opened);
    outbox_ = std::make_unique<SqliteRecordOutbox>(*opened);
    service_ = std::make_unique<SignalService>(*store_, pseudonymiser_);
  }

  const policy::Partner& partner(const char* oin) { return *policy_->partner_by_oin(oin); }
  std::string contact(const char* oin) { return partner(oin).contact_points.front(); }

  std::expected<SignalOutcome, Problem> signal(const char* oin, const std::string& purpose,
                                               calendar::Date day = kToday,
                                               json extra = json::object()) {
    auto done = service_->register_signal(*policy_, partner(oin),
                                          body(purpose, contact(oin), {{"bsn", kBsn}}, extra), day,
                                          "signal-" + std::to_string(++ids_));
    if (done) {
      for (const auto& made : done->registration.matches) matched_.push_back(made.match.id);
    }
    return done;
  }

  // The matches' records are in the trail (as the route would have it): their
  // notifications are free to go.
  std::vector<Notification> released() {
    for (const auto& id : matched_) EXPECT_TRUE(outbox_->settle(id).has_value());
    return store_->due_notifications(0, 100).value_or(std::vector<Notification>{});
  }

  json involved(const char* oin, const std::string& purpose, calendar::Date day = kToday) {
    auto answer = service_->involved(*policy_, partner(oin), question(purpose), day);
    EXPECT_TRUE(answer.has_value()) << (answer ? "" : answer.error().detail);
    return answer ? answer->involved : json();
  }

  std::shared_ptr<const policy::Policy> policy_ = testing::example_policy();
  crypto::KeyStore keys_ = crypto::KeyStore::ephemeral();
  crypto::Pseudonymiser pseudonymiser_{keys_};
  testing::TempDir dir_;
  std::unique_ptr<SqliteSignalStore> store_;
  std::unique_ptr<SqliteRecordOutbox> outbox_;
  std::unique_ptr<SignalService> service_;
  int ids_ = 0;
  std::vector<std::string> matched_;
};

TEST_F(SignalServiceTest, ASecondPartnerOfAPairedRoleMatchesAndBothAreToldOnlyWhoAndHow) {
  auto first = signal(kPolice, "zvh-case-consultation");
  ASSERT_TRUE(first.has_value()) << first.error().detail;
  EXPECT_TRUE(first->registration.matches.empty());
  auto second = signal(kMentalHealth, "zvh-case-consultation");
  ASSERT_TRUE(second.has_value()) << second.error().detail;
  ASSERT_EQ(second->registration.matches.size(), 1u);
  EXPECT_EQ(second->subject_token, first->subject_token) << "one person, one token";
  EXPECT_TRUE(store_->due_notifications(0, 100)->empty()) << "nothing leaves before its record";
  const auto notifications = released();
  ASSERT_EQ(notifications.size(), 2u);
  std::map<std::string, json> to;
  for (const auto& n : notifications) to[n.recipient_oin] = json::parse(n.body);
  EXPECT_EQ(to[kPolice]["partner"]["oin"], kMentalHealth);
  EXPECT_EQ(to[kPolice]["contact"], contact(kMentalHealth));
  EXPECT_EQ(to[kMentalHealth]["partner"]["oin"], kPolice);
  EXPECT_EQ(to[kMentalHealth]["contact"], contact(kPolice));
  EXPECT_EQ(to[kPolice]["purpose"], "zvh-case-consultation");
  EXPECT_FALSE(to[kPolice].contains("subject")) << "the person is named at delivery, per recipient";
  auto pseudonym = service_->pseudonym_for(notifications[0].subject_index, partner(kPolice));
  ASSERT_TRUE(pseudonym.has_value());
  auto direct = pseudonymiser_.pseudonym(pseudonymiser_.subject_of_bsn(kBsn), "politie");
  EXPECT_EQ(*pseudonym, *direct) << "the police's own pseudonym of the person";
}

TEST_F(SignalServiceTest, NoMatchAcrossPurposesOrRolesThePurposeDoesNotPair) {
  ASSERT_TRUE(signal(kPolice, "e33-confused-behaviour").has_value());
  auto other_purpose = signal(kMentalHealth, "zvh-case-consultation");
  ASSERT_TRUE(other_purpose.has_value());
  EXPECT_TRUE(other_purpose->registration.matches.empty()) << "another purpose";
  ASSERT_TRUE(signal(kProsecutor, "zvh-case-consultation").has_value());
  auto unpaired = signal(kMunicipality, "zvh-case-consultation");
  ASSERT_TRUE(unpaired.has_value());
  ASSERT_EQ(unpaired->registration.matches.size(), 1u) << "municipality pairs with GGZ only";
  EXPECT_EQ(released().size(), 2u);
}

TEST_F(SignalServiceTest, MatchingIsIdempotentARenewalMatchesNoOneTwice) {
  ASSERT_TRUE(signal(kPolice, "zvh-case-consultation").has_value());
  ASSERT_EQ(signal(kMentalHealth, "zvh-case-consultation")->registration.matches.size(), 1u);
  auto again = signal(kMentalHealth, "zvh-case-consultation");
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->registration.renewed);
  EXPECT_TRUE(again->registration.matches.empty());
  EXPECT_EQ(released().size(), 2u);
}

TEST_F(SignalServiceTest, AWithdrawnOrExpiredSignalNeitherMatchesNorAnswers) {
  auto police = signal(kPolice, "zvh-case-consultation", kToday, {{"until", "2026-12-06"}});
  ASSERT_TRUE(police.has_value()) << police.error().detail;
  EXPECT_EQ(involved(kMentalHealth, "zvh-case-consultation").size(), 1u);
  EXPECT_EQ(involved(kMentalHealth, "zvh-case-consultation", plus(kToday, 11)).size(), 0u)
      << "expired on its until";
  auto late = signal(kMentalHealth, "zvh-case-consultation", plus(kToday, 11));
  EXPECT_TRUE(late->registration.matches.empty());

  auto municipality = signal(kMunicipality, "zvh-case-consultation");
  ASSERT_TRUE(municipality.has_value());
  const std::string id = municipality->registration.signal.id;
  EXPECT_FALSE(service_->withdraw(partner(kPolice), id, kToday).has_value())
      << "only its own partner withdraws a signal";
  EXPECT_TRUE(service_->withdraw(partner(kMunicipality), id, kToday).has_value());
  EXPECT_EQ(involved(kMentalHealth, "zvh-case-consultation").size(), 1u)
      << "the police's; the withdrawn municipality's is gone";
  // History: pruned once its end lies before the history's start (five years back).
  EXPECT_EQ(store_->prune(calendar::format_date(plus(kToday, -1))).value(), 0u);
  EXPECT_EQ(store_->prune(calendar::format_date(plus(kToday, 3000))).value(), 3u);
}

// A match with a peer region's signal has no row in `matches` (one of its signals is the
// peer's): pruning must not take its notification for one of a pruned match.
TEST_F(SignalServiceTest, PruningKeepsTheNotificationsOfMatchesWithAPeerRegion) {
  ASSERT_TRUE(store_
                  ->owe({{0, kPolice, "match", "{}", "index",
                          std::string(kPeerMatchReference) + "m1", 0, 0, ""},
                         {0, kPolice, "match", "{}", "index", "gone-local-match", 0, 0, ""}})
                  .has_value());
  ASSERT_TRUE(store_->prune(calendar::format_date(kToday)).has_value());
  auto due = store_->due_notifications(std::numeric_limits<std::int64_t>::max() / 2, 10);
  ASSERT_TRUE(due.has_value()) << due.error();
  ASSERT_EQ(due->size(), 1u) << "the local match's orphan goes, the peer match's stays";
  EXPECT_EQ((*due)[0].reference, std::string(kPeerMatchReference) + "m1");
}

TEST_F(SignalServiceTest, AQuestionIsAnsweredOnlyAsFarAsThePairsAllow) {
  ASSERT_TRUE(signal(kPolice, "zvh-case-consultation").has_value());
  ASSERT_TRUE(signal(kProsecutor, "zvh-case-consultation").has_value());
  const auto answer = involved(kMentalHealth, "zvh-case-consultation");
  ASSERT_EQ(answer.size(), 1u) << answer.dump();
  EXPECT_EQ(answer[0]["partner"]["oin"], kPolice) << "the GGZ does not pair with the prosecutor";
  const auto refused = service_->involved(*policy_, partner(kProsecutor),
                                          question("criminal-case-referral"), kToday);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().kind, ProblemKind::kRoleNotPermitted);
}

// The region narrows the guideline's pairs (policy/loader.cpp): the police and
// the GGZ no longer learn of each other, and a refusal cites the region.
TEST_F(SignalServiceTest, ARegionsNarrowedPairsDecideWhoMatches) {
  testing::TempDir files;
  json region = json::parse(testing::read_file(testing::example_region_file()));
  region["purposes"]["zvh-case-consultation"]["matching"] =
      json::array({json::array({"zvh", "police"})});
  testing::write_file(files.path() / "region.json", region.dump());
  auto narrowed = policy::load_policy({testing::guideline_file(), files.path() / "region.json"});
  ASSERT_TRUE(narrowed.has_value());
  policy_ = *narrowed;
  ASSERT_TRUE(signal(kPolice, "zvh-case-consultation").has_value());
  auto ggz = signal(kMentalHealth, "zvh-case-consultation");
  ASSERT_FALSE(ggz.has_value()) << "the GGZ is in no pair of the region's any more";
  EXPECT_EQ(ggz.error().kind, ProblemKind::kRoleNotPermitted);
  EXPECT_EQ(ggz.error().rule, "region.json#/purposes/zvh-case-consultation/matching");
  auto asked = service_->involved(*policy_, partner(kMentalHealth),
                                  question("zvh-case-consultation"), kToday);
  ASSERT_FALSE(asked.has_value());
  EXPECT_EQ(asked.error().rule, "region.json#/purposes/zvh-case-consultation/matching");
}

// The region lets only some partners take part in a purpose ("partners"):
// one it leaves out neither registers, nor is matched, nor is named to others.
TEST_F(SignalServiceTest, APartnerTheRegionLeavesOutOfAPurposeTakesNoPartInItsSignals) {
  ASSERT_TRUE(signal(kMentalHealth, "zvh-case-consultation").has_value());  // before the change
  testing::TempDir files;
  json region = json::parse(testing::read_file(testing::example_region_file()));
  region["purposes"]["zvh-case-consultation"]["partners"] =
      json::array({"zvh-voorbeeld", "politie-eenheid-voorbeeld", "gemeente-voorbeeldstad"});
  testing::write_file(files.path() / "region.json", region.dump());
  auto narrowed = policy::load_policy({testing::guideline_file(), files.path() / "region.json"});
  ASSERT_TRUE(narrowed.has_value());
  policy_ = *narrowed;
  auto ggz = signal(kMentalHealth, "zvh-case-consultation");
  ASSERT_FALSE(ggz.has_value());
  EXPECT_EQ(ggz.error().kind, ProblemKind::kRoleNotPermitted);
  EXPECT_EQ(ggz.error().rule, "region.json#/purposes/zvh-case-consultation/partners");
  auto police = signal(kPolice, "zvh-case-consultation");
  ASSERT_TRUE(police.has_value());
  EXPECT_TRUE(police->registration.matches.empty()) << "matched with a partner left out";
  EXPECT_TRUE(involved(kPolice, "zvh-case-consultation").empty()) << "named a partner left out";
}

TEST_F(SignalServiceTest, RefusalsNameTheirRule) {
  const auto& ggz = partner(kMentalHealth);
  auto wrong_contact = service_->register_signal(
      *policy_, ggz, body("zvh-case-consultation", "jan.jansen@gmail.example"), kToday, "x");
  ASSERT_FALSE(wrong_contact.has_value());
  EXPECT_EQ(wrong_contact.error().kind, ProblemKind::kInvalidField);
  EXPECT_NE(wrong_contact.error().rule.find("contact_points"), std::string::npos);
  EXPECT_EQ(wrong_contact.error().detail.find("jansen"), std::string::npos);
  auto too_long = signal(kMentalHealth, "zvh-case-consultation", kToday, {{"until", "2029-01-01"}});
  ASSERT_FALSE(too_long.has_value());
  EXPECT_EQ(too_long.error().rule, "guideline.json#/purposes/zvh-case-consultation")
      << "the purpose sets no signal_days: the purpose (and the default) decides";
  EXPECT_NE(too_long.error().detail.find("signal_days"), std::string::npos);
  auto unknown_member = signal(kMentalHealth, "zvh-case-consultation", kToday, {{"naam", "x"}});
  ASSERT_FALSE(unknown_member.has_value());
  EXPECT_EQ(unknown_member.error().kind, ProblemKind::kMalformedBody);
  auto no_purpose = signal(kMentalHealth, "bestaat-niet");
  ASSERT_FALSE(no_purpose.has_value());
  EXPECT_EQ(no_purpose.error().kind, ProblemKind::kPurposeNotPermitted);
  auto bad_bsn = service_->register_signal(
      *policy_, ggz, body("zvh-case-consultation", contact(kMentalHealth), {{"bsn", "123456789"}}),
      kToday, "x");
  ASSERT_FALSE(bad_bsn.has_value());
  EXPECT_EQ(bad_bsn.error().kind, ProblemKind::kInvalidSubject);
}

TEST_F(SignalServiceTest, TheStoreHoldsNoBsnAndNoPartnersPseudonym) {
  const auto own = pseudonymiser_.pseudonym(pseudonymiser_.subject_of_bsn(kBsn), "ggz-voorbeeld");
  ASSERT_TRUE(own.has_value());
  auto by_pseudonym = service_->register_signal(
      *policy_, partner(kMentalHealth),
      body("zvh-case-consultation", contact(kMentalHealth), {{"pseudonym", *own}}), kToday, "s1");
  ASSERT_TRUE(by_pseudonym.has_value()) << by_pseudonym.error().detail;
  ASSERT_EQ(signal(kPolice, "zvh-case-consultation")->registration.matches.size(), 1u)
      << "the same person by BSN and by the GGZ's pseudonym";
  released();
  const std::string bytes = testing::region_store_bytes(dir_.path());
  ASSERT_NE(bytes.find(kPolice), std::string::npos) << "the store's bytes were read";
  EXPECT_EQ(bytes.find(kBsn), std::string::npos) << "a BSN in the store";
  const std::string point = own->substr(0, own->rfind('.'));
  EXPECT_EQ(bytes.find(point.substr(3)), std::string::npos) << "the GGZ's pseudonym in the store";
}

}  // namespace
}  // namespace schakel::region
