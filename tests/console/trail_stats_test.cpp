// What the console's charts count, against an oracle: records generated in
// memory, written through the trail's store, counted by trail_stats and by a
// plain loop. Only allowed decisions in the window count per day; refusals
// by rule (the problem when no rule); failed deliveries by recipient; the
// gateway's newest policy hash (never a console record's) and every reload. A trail with a changed
// byte counts nothing.
#include "console/trail_stats.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "audit/log_store.hpp"
#include "tests/support/paths.hpp"

namespace schakel::console {
namespace {

using calendar::Date;

TEST(TrailStats, CountsAsAPlainLoopDoes) {
  testing::TempDir dir;
  const auto trail = dir.path() / "trail";
  std::mt19937 random(27112026);
  auto pick = [&](std::vector<std::string> from) {
    return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(random)];
  };
  std::vector<audit::AuditRecord> records(400);
  for (std::size_t i = 0; i < records.size(); ++i) {
    auto& r = records[i];
    r.kind = pick({"decision", "decision", "delivery", "policy-reload", "console"});
    r.outcome = r.kind == "decision"   ? pick({"allowed", "refused"})
                : r.kind == "delivery" ? pick({"delivered", "failed"})
                                       : pick({"reloaded", "refused"});
    r.start_time = r.end_time = pick({"2026-11-10T08:00:00.000Z", "2026-11-20T12:00:00.000Z",
                                      "2026-11-27T23:59:59.000Z", "2026-10-01T00:00:00.000Z"});
    r.transaction_id = "tx-" + std::to_string(i);
    r.sender = pick({"00000001002345678000", "00000003003456789000"});
    r.recipient = pick({"00000001001234567000", "00000003003456789000"});
    r.purpose = pick({"e33-confused-behaviour", "aftercare-after-detention"});
    r.rule = r.outcome == "refused" && i % 2 ? pick({"guideline.json#/a", "region.json#/b"}) : "";
    r.problem = r.outcome == "refused" ? "purpose-not-permitted" : "";
    r.policy_hash = "sha256:" + std::to_string(i);
    if (r.kind == "policy-reload") r.details = {{"old_hash", "o"}, {"new_hash", "n"}};
  }
  {
    auto store = audit::LogStore::open({.directory = trail});
    ASSERT_TRUE(store.has_value()) << store.error();
    ASSERT_TRUE((*store)->append_batch(records).has_value());
  }
  const Date today{std::chrono::year{2026}, std::chrono::month{11}, std::chrono::day{27}};
  auto stats = trail_stats(audit::LogTrail(trail), today, 14);
  ASSERT_TRUE(stats.has_value()) << stats.error();
  ASSERT_EQ(stats->days.size(), 14u);
  EXPECT_EQ(stats->days.front(), "2026-11-14");
  EXPECT_EQ(stats->days.back(), "2026-11-27");

  std::map<std::string, std::vector<std::uint64_t>> per_day, sent_per_day;
  std::map<std::string, std::uint64_t> senders, rules, failures;
  std::size_t reloads = 0;
  for (const auto& r : records) {
    if (r.kind == "decision") {
      ++senders[r.sender];
      if (r.outcome == "refused") ++rules[r.rule.empty() ? r.problem : r.rule];
      const std::string day = r.start_time.substr(0, 10);
      const auto at = std::find(stats->days.begin(), stats->days.end(), day);
      if (r.outcome == "allowed" && at != stats->days.end()) {
        for (auto* series : {&per_day[r.purpose], &sent_per_day[r.sender]}) {
          series->resize(14, 0);
          ++(*series)[static_cast<std::size_t>(at - stats->days.begin())];
        }
      }
    }
    if (r.kind == "delivery" && r.outcome == "failed") ++failures[r.recipient];
    reloads += r.kind == "policy-reload";
  }
  EXPECT_EQ(stats->allowed_per_day, per_day);
  EXPECT_EQ(stats->sent_per_day, sent_per_day);
  EXPECT_EQ(stats->messages_by_sender, senders);
  EXPECT_EQ(stats->refusals_by_rule, rules);
  EXPECT_EQ(stats->failures_by_recipient, failures);
  EXPECT_EQ(stats->reloads.size(), reloads);
  std::string in_force;  // the newest decision's, or applied reload's
  for (const auto& r : records) {
    if (r.kind == "decision" || (r.kind == "policy-reload" && r.outcome == "reloaded")) {
      in_force = r.policy_hash;
    }
  }
  EXPECT_EQ(stats->policy_in_force, in_force);
  EXPECT_EQ(stats->records, records.size());

  // One changed byte in the middle of the log: nothing is counted.
  std::filesystem::path segment;
  for (const auto& entry : std::filesystem::directory_iterator(trail)) {
    if (entry.path().filename().string().starts_with("trail-")) segment = entry.path();
  }
  ASSERT_FALSE(segment.empty());
  std::fstream file(segment, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(static_cast<std::streamoff>(std::filesystem::file_size(segment) / 2));
  file.put('#');
  file.close();
  EXPECT_FALSE(trail_stats(audit::LogTrail(trail), today, 14).has_value());
}

}  // namespace
}  // namespace schakel::console
