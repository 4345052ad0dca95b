// audit query over the trail log against an independent oracle: records
// generated in memory, written through the store, then every combination of
// filters answered by query_records and by a plain loop over the generated
// records. The answers (sequences, in order) must be the same — whatever
// the store underneath (issue 11 moved it from SQLite to the log).
#include "audit/query.hpp"

#include <gtest/gtest.h>

#include <random>

#include "audit/log_store.hpp"
#include "tests/support/paths.hpp"

namespace schakel::audit {
namespace {

const std::vector<std::string> kPartners{"00000001001234567000", "00000001002345678000",
                                         "00000003003456789000"};
const std::vector<std::string> kPurposes{"e33-confused-behaviour", "zorg-en-veiligheid-casus"};
const std::vector<std::string> kOutcomes{"allowed", "refused", "delivered", "failed"};
const std::vector<std::string> kTokens{"t1.2026-10.aaaa", "t1.2026-11.bbbb", "t1.2026-11.cccc"};
const std::vector<std::string> kTimes{"2026-10-01T08:00:00.000Z", "2026-10-15T12:00:00.000Z",
                                      "2026-11-01T00:00:00.000Z", "2026-11-20T23:59:59.999Z"};

std::vector<AuditRecord> generate(std::size_t count) {
  std::mt19937 random(20261126);
  auto pick = [&](const std::vector<std::string>& from) {
    return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(random)];
  };
  std::vector<AuditRecord> records(count);
  for (std::size_t i = 0; i < count; ++i) {
    auto& record = records[i];
    record.kind = i % 3 ? "decision" : "delivery";
    record.outcome = pick(kOutcomes);
    record.start_time = record.end_time = pick(kTimes);
    record.transaction_id = "tx-" + std::to_string(i);
    record.sender = pick(kPartners);
    record.recipient = pick(kPartners);
    record.purpose = pick(kPurposes);
    if (i % 5 != 0) record.subject_token = pick(kTokens);  // some records concern no one
  }
  return records;
}

// The oracle: sequences of the records every given filter matches.
std::vector<std::uint64_t> expected(const std::vector<AuditRecord>& records,
                                    const QueryFilter& filter) {
  std::vector<std::uint64_t> out;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (filter.subject_tokens && std::ranges::find(*filter.subject_tokens, r.subject_token) ==
                                     filter.subject_tokens->end()) {
      continue;
    }
    if (filter.subject_tokens && r.subject_token.empty()) continue;
    if (filter.partner && r.sender != *filter.partner && r.recipient != *filter.partner) continue;
    if (filter.purpose && r.purpose != *filter.purpose) continue;
    if (filter.outcome && r.outcome != *filter.outcome) continue;
    if (filter.from && r.start_time < *filter.from) continue;
    if (filter.to && !(r.start_time < *filter.to)) continue;
    out.push_back(i + 1);
    if (out.size() == filter.limit) break;
  }
  return out;
}

template <typename T>
std::vector<std::optional<T>> with_none(const std::vector<T>& values) {
  std::vector<std::optional<T>> out{std::nullopt};
  out.insert(out.end(), values.begin(), values.end());
  return out;
}

TEST(QueryTest, EveryFilterCombinationAnswersAsTheOracle) {
  testing::TempDir dir;
  const auto trail = dir.path() / "trail";
  auto records = generate(300);
  {
    auto store = LogStore::open({.directory = trail, .segment_bytes = 16 * 1024});
    ASSERT_TRUE(store.has_value()) << store.error();
    for (std::size_t at = 0; at < records.size(); at += 7) {  // batches across segments
      std::span batch(records.data() + at, std::min<std::size_t>(7, records.size() - at));
      ASSERT_TRUE((*store)->append_batch(batch).has_value());
    }
  }
  std::vector<std::optional<std::vector<std::string>>> token_sets{
      std::nullopt, std::vector<std::string>{kTokens[0]},
      std::vector<std::string>{kTokens[1], kTokens[2]}, std::vector<std::string>{"t1.unknown"}};
  std::size_t queries = 0;
  std::size_t answers = 0;
  for (const auto& tokens : token_sets) {
    for (const auto& partner : with_none(kPartners)) {
      for (const auto& purpose : with_none(kPurposes)) {
        for (const auto& outcome : with_none(kOutcomes)) {
          for (const auto& [from, to] :
               std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>>{
                   {std::nullopt, std::nullopt},
                   {kTimes[1], std::nullopt},
                   {std::nullopt, kTimes[2]},
                   {kTimes[1], kTimes[3]}}) {
            QueryFilter filter{tokens, partner, purpose, outcome, from, to};
            auto got = query_records(trail, filter);
            ASSERT_TRUE(got.has_value()) << got.error();
            std::vector<std::uint64_t> sequences;
            for (const auto& record : *got) sequences.push_back(record.sequence);
            ASSERT_EQ(sequences, expected(records, filter)) << "query " << queries;
            ++queries;
            answers += sequences.size();
          }
        }
      }
    }
  }
  EXPECT_EQ(queries, 4u * 4 * 3 * 5 * 4);
  EXPECT_GT(answers, 1000u) << "the sweep must hit records, not only empty answers";
  QueryFilter limited;
  limited.limit = 10;
  auto first_ten = query_records(trail, limited);
  ASSERT_TRUE(first_ten.has_value());
  EXPECT_EQ(first_ten->size(), 10u);
  EXPECT_EQ(first_ten->back().sequence, 10u);
}

}  // namespace
}  // namespace schakel::audit
