// The trail as an append-only log (issue 11): one chain across batches,
// reopenings, segments and writers; a torn tail cut at open; checkpoints.
#include "audit/log_store.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <fstream>

#include "audit/trail_frame.hpp"
#include "audit/verify.hpp"
#include "crypto/encoding.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/trail_lock.hpp"

namespace schakel::audit {
namespace {

std::vector<AuditRecord> batch(std::size_t count) {
  std::vector<AuditRecord> records(count);
  for (std::size_t i = 0; i < count; ++i) {
    records[i].kind = "decision";
    records[i].outcome = i % 2 ? "refused" : "allowed";
    records[i].transaction_id = "tx-" + std::to_string(i);
  }
  return records;
}

struct ChainSeen {
  std::uint64_t records = 0;
  std::uint64_t checkpoints = 0;
  std::uint64_t head = 0;
  std::string problem;
};

// Walks the log as a verifier would: consecutive sequences, each body naming
// the previous hash, each frame's hash the chain hash of its body.
ChainSeen walk(const std::filesystem::path& directory) {
  ChainSeen seen;
  std::string previous(kGenesisHash);
  auto ok = for_each_frame(directory, [&](const FrameView& frame) {
    if (frame.type == FrameType::kCheckpoint) {
      ++seen.checkpoints;
      if (crypto::to_hex(frame.hash) != previous) seen.problem = "checkpoint off the head";
      return seen.problem.empty();
    }
    const auto body = nlohmann::json::parse(frame.payload);
    if (frame.sequence != seen.head + 1 || body["sequence"] != frame.sequence) {
      seen.problem =
          "sequence " + std::to_string(frame.sequence) + " after " + std::to_string(seen.head);
    } else if (body["prev_hash"] != previous) {
      seen.problem = "broken link at " + std::to_string(frame.sequence);
    } else if (chain_hash(previous, frame.payload) != crypto::to_hex(frame.hash)) {
      seen.problem = "wrong hash at " + std::to_string(frame.sequence);
    }
    previous = crypto::to_hex(frame.hash);
    seen.head = frame.sequence;
    ++seen.records;
    return seen.problem.empty();
  });
  if (!ok) seen.problem = ok.error().message;
  return seen;
}

class LogStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<LogStore> open(std::uint64_t segment_bytes = 64ull << 20) {
    auto store = LogStore::open({trail_, segment_bytes});
    EXPECT_TRUE(store.has_value()) << store.error();
    return store ? std::move(*store) : nullptr;
  }
  // `batches` batches of 3 records, in segments of `segment_bytes`, then closed.
  void fill(std::uint64_t segment_bytes, int batches) {
    auto store = open(segment_bytes);
    for (int i = 0; i < batches; ++i) append(*store, 3);
  }
  static void append(LogStore& store, std::size_t count) {
    auto records = batch(count);
    ASSERT_TRUE(store.append_batch(records).has_value());
  }
  CheckpointSigner signer() {
    crypto_sign_keypair(public_key_.data(), secret_key_.data());
    return ed25519_signer(secret_key_.data());
  }

  testing::TempDir dir_;
  std::filesystem::path trail_ = dir_.path() / "trail";
  std::array<std::uint8_t, 32> public_key_{};
  std::array<std::uint8_t, 64> secret_key_{};
};

TEST_F(LogStoreTest, OneChainAcrossBatchesAndReopenings) {
  {
    auto store = open();
    auto first = batch(3);
    ASSERT_TRUE(store->append_batch(first).has_value());
    EXPECT_EQ(first[2].sequence, 3u);
    EXPECT_EQ(first[0].prev_hash, kGenesisHash);
    append(*store, 4);
  }
  auto reopened = open();
  EXPECT_EQ(reopened->head_sequence(), 7u);
  auto more = batch(2);
  ASSERT_TRUE(reopened->append_batch(more).has_value());
  EXPECT_EQ(more[0].sequence, 8u);
  const auto seen = walk(trail_);
  EXPECT_EQ(seen.problem, "");
  EXPECT_EQ(seen.records, 9u);
}

TEST_F(LogStoreTest, ATornTailIsCutAtOpenAndTheChainGoesOn) {
  { append(*open(), 5); }
  const auto segment = trail_segments(trail_)->back();
  const auto whole = std::filesystem::file_size(segment);
  std::filesystem::resize_file(segment, whole - 10);  // the last frame, torn
  std::ofstream(segment, std::ios::app) << "garbage";
  std::uint64_t torn = 0;
  ASSERT_TRUE(for_each_frame(
                  trail_, [](const FrameView&) { return true; }, &torn)
                  .has_value());
  EXPECT_GT(torn, 0u) << "a reader sees the torn tail, and reads on to it";
  auto store = open();
  EXPECT_GT(store->torn_bytes_cut(), 0u);
  EXPECT_EQ(store->head_sequence(), 4u) << "the torn record is gone";
  append(*store, 2);
  const auto seen = walk(trail_);
  EXPECT_EQ(seen.problem, "");
  EXPECT_EQ(seen.head, 6u);
}

TEST_F(LogStoreTest, CheckpointsSignTheHeadAndUnsignedRecordsSurviveAReopen) {
  auto sign = signer();
  {
    auto store = open();
    append(*store, 5);
    EXPECT_EQ(*store->unsigned_records(), 5u);
    auto checkpoint = store->write_checkpoint(sign);
    ASSERT_TRUE(checkpoint.has_value()) << checkpoint.error();
    EXPECT_EQ(checkpoint->sequence, 5u);
    EXPECT_TRUE(signature_valid(*checkpoint, public_key_));
    EXPECT_EQ(*store->unsigned_records(), 0u);
    append(*store, 2);
  }
  auto store = open();
  EXPECT_EQ(*store->unsigned_records(), 2u);
  const auto seen = walk(trail_);
  EXPECT_EQ(seen.problem, "");
  EXPECT_EQ(seen.checkpoints, 1u);
}

TEST_F(LogStoreTest, SegmentsRollAndTheChainCrossesThem) {
  fill(2048, 20);
  EXPECT_GT(trail_segments(trail_)->size(), 5u);
  auto store = open(2048);
  EXPECT_EQ(store->head_sequence(), 60u);
  append(*store, 1);
  const auto seen = walk(trail_);
  EXPECT_EQ(seen.problem, "");
  EXPECT_EQ(seen.records, 61u);
}

TEST_F(LogStoreTest, TwoWritersShareOneChain) {
  auto gateway = open(4096);
  auto operator_tool = open(4096);  // as `schakel keys` in another process
  for (int i = 0; i < 30; ++i) {
    append(*gateway, 2);
    append(*operator_tool, 1);
  }
  EXPECT_EQ(gateway->head_sequence(), 89u);
  EXPECT_EQ(operator_tool->head_sequence(), 90u);
  const auto seen = walk(trail_);
  EXPECT_EQ(seen.problem, "");
  EXPECT_EQ(seen.records, 90u);
}

TEST_F(LogStoreTest, DamageBeforeTheNewestSegmentIsAnErrorNotATornTail) {
  fill(1024, 6);
  const auto first = trail_segments(trail_)->front();
  std::fstream file(first, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(100);
  file.put('X');
  file.close();
  auto read = for_each_frame(trail_, [](const FrameView&) { return true; });
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().kind, TrailReadError::Kind::kDamaged);
  EXPECT_NE(read.error().message.find("damaged"), std::string::npos) << read.error().message;
}

// A prune that needs a boundary rolls the segment; its checkpoint may then be
// alone in the newest segment and older than the head.
TEST_F(LogStoreTest, ReopeningAfterAPruneFindsTheHeadBehindAStaleCheckpoint) {
  auto sign = signer();
  {
    auto store = open(1);  // every batch in its own segment
    append(*store, 3);
    append(*store, 3);
    auto pruned = store->prune_through(5, sign);
    ASSERT_TRUE(pruned.has_value()) << pruned.error();
    EXPECT_EQ(pruned->checkpoint.sequence, 3u) << "records 4..6 share a segment with 6";
    EXPECT_EQ(pruned->records, 3u);
  }
  auto store = open(1);
  EXPECT_EQ(store->head_sequence(), 6u);
  auto next = batch(1);
  ASSERT_TRUE(store->append_batch(next).has_value());
  EXPECT_EQ(next[0].sequence, 7u);
  auto report = verify_chain(trail_, public_key_);
  ASSERT_TRUE(report.has_value()) << report.error();
  EXPECT_TRUE(report->intact()) << report->problem;
  EXPECT_EQ(report->first_sequence, 4u);
  EXPECT_EQ(report->records, 4u);
}

TEST_F(LogStoreTest, AWriterFollowsASegmentAnotherProcessRolled) {
  auto gateway = open();
  auto operator_tool = open(1);  // rolls at its every batch
  append(*gateway, 3);
  append(*operator_tool, 1);  // record 4, in trail-...4.log
  append(*gateway, 1);
  EXPECT_EQ(gateway->head_sequence(), 5u);
  auto report = verify_chain(trail_);
  ASSERT_TRUE(report.has_value()) << report.error();
  EXPECT_TRUE(report->intact()) << report->problem;
  EXPECT_EQ(report->records, 5u);
  EXPECT_EQ(trail_segments(trail_)->size(), 2u);
}

TEST_F(LogStoreTest, ASegmentOfGarbageRefusesTheOpenNamingIt) {
  std::filesystem::create_directories(trail_);
  std::ofstream(trail_ / "trail-00000000000000000001.log") << std::string(300, 'x');
  auto store = LogStore::open({trail_});
  ASSERT_FALSE(store.has_value());
  EXPECT_NE(store.error().find("trail-00000000000000000001.log is damaged after byte 0"),
            std::string::npos)
      << store.error();
  EXPECT_EQ(std::filesystem::file_size(trail_ / "trail-00000000000000000001.log"), 300u)
      << "evidence was cut";
}

// A crash loses the end of a write; a whole frame with a changed byte was
// durable and is evidence: the open refuses instead of cutting it.
TEST_F(LogStoreTest, AWholeLastFrameWithAChangedByteIsDamageNotATornTail) {
  { append(*open(), 3); }
  const auto segment = trail_segments(trail_)->back();
  const auto size = std::filesystem::file_size(segment);
  {
    std::fstream file(segment, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(size - 5));
    file.put('#');
  }
  auto store = LogStore::open({trail_});
  ASSERT_FALSE(store.has_value()) << "a durable record was cut as if torn";
  EXPECT_NE(store.error().find("is damaged after byte"), std::string::npos) << store.error();
  EXPECT_EQ(std::filesystem::file_size(segment), size);
}

TEST_F(LogStoreTest, FilesNamedLikeSegmentsMustBeSegments) {
  { append(*open(), 1); }
  std::ofstream(trail_ / "trail-xxxxxxxxxxxxxxxxxxxx.log") << "";
  auto stray = LogStore::open({trail_});
  ASSERT_FALSE(stray.has_value());
  EXPECT_NE(stray.error().find("no segment name"), std::string::npos) << stray.error();
  std::filesystem::remove(trail_ / "trail-xxxxxxxxxxxxxxxxxxxx.log");
  std::filesystem::create_directory(trail_ / "trail-00000000000000000002.log");
  auto directory = LogStore::open({trail_});
  ASSERT_FALSE(directory.has_value());
  EXPECT_NE(directory.error().find("not a regular file"), std::string::npos) << directory.error();
}

TEST_F(LogStoreTest, ALockHeldTooLongFailsTheBatchAndTheNextOneSucceeds) {
  auto store = LogStore::open({.directory = trail_, .lock_timeout = std::chrono::milliseconds(30)});
  ASSERT_TRUE(store.has_value()) << store.error();
  testing::HeldTrailLock other(trail_);
  ASSERT_TRUE(other.held());
  auto records = batch(1);
  auto failed = (*store)->append_batch(records);
  ASSERT_FALSE(failed.has_value());
  EXPECT_NE(failed.error().find("stayed locked by another process"), std::string::npos)
      << failed.error();
  other.release();
  ASSERT_TRUE((*store)->append_batch(records).has_value());
  EXPECT_EQ(records[0].sequence, 1u);
}

}  // namespace
}  // namespace schakel::audit
