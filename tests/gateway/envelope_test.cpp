#include "gateway/envelope.hpp"

#include <gtest/gtest.h>

namespace schakel::gateway {
namespace {

Request with(HeaderList headers) {
  return Request{"POST", "/v1/messages", std::move(headers), ""};
}

HeaderList base() {
  return {{"Schakel-Recipient", "00000003003456789000"},
          {"Schakel-Purpose", "e33-confused-behaviour"}};
}

TEST(Envelope, ReadsTheContractHeadersCaseInsensitively) {
  auto envelope = read_envelope(with({{"schakel-recipient", "00000003003456789000"},
                                      {"SCHAKEL-PURPOSE", "e33-confused-behaviour"},
                                      {"Schakel-Level", "3"},
                                      {"Schakel-Case", "ZVH-26-0042"}}));
  ASSERT_TRUE(envelope.has_value());
  EXPECT_EQ(envelope->recipient_oin, "00000003003456789000");
  EXPECT_EQ(envelope->purpose, "e33-confused-behaviour");
  EXPECT_EQ(envelope->level, 3);
  EXPECT_EQ(envelope->case_ref, "ZVH-26-0042");
}

TEST(Envelope, AcceptsThePurposeAliases) {
  for (const char* alias : {"X-Doelbinding", "X-NLX-Request-Process-Id"}) {
    auto envelope =
        read_envelope(with({{"Schakel-Recipient", "00000003003456789000"}, {alias, "p"}}));
    ASSERT_TRUE(envelope.has_value()) << alias;
    EXPECT_EQ(envelope->purpose, "p");
  }
}

TEST(Envelope, RefusesMissingOrInvalidHeaders) {
  EXPECT_EQ(read_envelope(with({{"Schakel-Purpose", "p"}})).error().kind,
            ProblemKind::kMissingHeader);
  EXPECT_EQ(read_envelope(with({{"Schakel-Recipient", "00000003003456789000"}})).error().kind,
            ProblemKind::kMissingHeader);
  EXPECT_EQ(
      read_envelope(with({{"Schakel-Recipient", "123"}, {"Schakel-Purpose", "p"}})).error().kind,
      ProblemKind::kInvalidHeader);
  auto level = base();
  level.emplace_back("Schakel-Level", "0");
  EXPECT_EQ(read_envelope(with(level)).error().kind, ProblemKind::kInvalidLevel);
  auto long_case = base();
  long_case.emplace_back("Schakel-Case", std::string(65, 'a'));
  EXPECT_EQ(read_envelope(with(long_case)).error().kind, ProblemKind::kInvalidHeader);
  auto free_text = base();
  free_text.emplace_back("Schakel-Case", "Jan de Vries");
  EXPECT_EQ(read_envelope(with(free_text)).error().kind, ProblemKind::kInvalidHeader);
}

TEST(Envelope, TransactionIdsAreUuidV7) {
  const auto id = new_transaction_id();
  EXPECT_TRUE(is_uuid_v7(id));
  EXPECT_EQ(id[14], '7') << id;
  EXPECT_NE(new_transaction_id(), id);
  EXPECT_EQ(*transaction_id_of(with({{"Fsc-Transaction-Id", id}})), id);
  EXPECT_FALSE(transaction_id_of(with({{"Fsc-Transaction-Id", "not-a-uuid"}})).has_value());
  // Other versions and variants are UUIDs, but not the contract's.
  for (const char* other :
       {"9f1c6f0e-3b5a-4c8e-9d2b-1a2b3c4d5e6f", "01a2138f-7a18-1b2c-b2bf-17663f864868",
        "01a2138f-7a18-7b2c-c2bf-17663f864868"}) {
    EXPECT_FALSE(transaction_id_of(with({{"Fsc-Transaction-Id", other}})).has_value()) << other;
  }
  EXPECT_TRUE(is_uuid_v7(*transaction_id_of(with({}))));
}

TEST(Envelope, RefusesCaseReferencesThatLookLikeABsn) {
  for (const char* bsn_like :
       {"0999990019", "999-990-019", "999.990.019", "dossier-999990019", "ZVH-2026-0042",
        "12:34:56:78", "a12345678", "zaak999x990x019", "a1234-b5678"}) {
    auto headers = base();
    headers.emplace_back("Schakel-Case", bsn_like);
    auto envelope = read_envelope(with(headers));
    ASSERT_FALSE(envelope.has_value()) << bsn_like;
    EXPECT_EQ(envelope.error().kind, ProblemKind::kInvalidHeader);
    EXPECT_EQ(envelope.error().detail.find(bsn_like), std::string::npos);
  }
  // Letters between the digits do not hide them: 8 digits in all are refused.
  for (const char* opaque : {"ZVH-26-0042", "casus-1234567", "a123-b4567"}) {
    auto headers = base();
    headers.emplace_back("Schakel-Case", opaque);
    EXPECT_TRUE(read_envelope(with(headers)).has_value()) << opaque;
  }
}

TEST(Envelope, RefusesPurposeAliasesThatDisagree) {
  auto agree = base();
  agree.emplace_back("X-Doelbinding", "e33-confused-behaviour");
  EXPECT_EQ(read_envelope(with(agree))->purpose, "e33-confused-behaviour");
  auto conflict = base();
  conflict.emplace_back("X-NLX-Request-Process-Id", "aftercare-after-detention");
  auto envelope = read_envelope(with(conflict));
  ASSERT_FALSE(envelope.has_value());
  EXPECT_EQ(envelope.error().kind, ProblemKind::kInvalidHeader);
}

}  // namespace
}  // namespace schakel::gateway
