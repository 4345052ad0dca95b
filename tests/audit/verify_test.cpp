// audit verify over the trail log: every way an attacker with write access
// to the data directory can change it — re-framing frames so their
// checksums hold — is found, and named by its first bad sequence.
#include "audit/verify.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <fstream>

#include "audit/log_store.hpp"
#include "audit/query.hpp"
#include "audit/witness.hpp"
#include "crypto/encoding.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/trail_editor.hpp"

namespace schakel::audit {
namespace {

using testing::EditableFrame;

class VerifyTest : public ::testing::Test {
 protected:
  // Six records, one segment each (segments roll at every batch).
  void SetUp() override {
    crypto_sign_keypair(public_key_.data(), secret_key_.data());
    auto store = open_store();
    for (std::size_t i = 0; i < 6; ++i) append(*store, 1, i);
  }

  std::unique_ptr<LogStore> open_store() {
    auto store = LogStore::open({.directory = trail_, .segment_bytes = 1});
    EXPECT_TRUE(store.has_value()) << store.error();
    return std::move(*store);
  }

  static void append(LogStore& store, std::size_t count, std::size_t first = 0) {
    std::vector<AuditRecord> records(count);
    for (std::size_t i = 0; i < records.size(); ++i) {
      records[i].kind = "decision";
      records[i].outcome = (first + i) % 2 ? "refused" : "allowed";
      records[i].transaction_id = "tx-" + std::to_string(first + i);
    }
    ASSERT_TRUE(store.append_batch(records).has_value());
  }

  // A signed checkpoint of the head, after `more` further records.
  void checkpoint_then_append(std::size_t more) {
    auto store = open_store();
    ASSERT_TRUE(store->write_checkpoint(ed25519_signer(secret_key_.data())).has_value());
    append(*store, more);
  }

  static void expect_broken(const VerifyReport& report, std::uint64_t sequence,
                            const std::string& phrase) {
    EXPECT_EQ(report.first_bad_sequence, sequence) << report.problem;
    EXPECT_NE(report.problem.find(phrase), std::string::npos) << report.problem;
  }

  VerifyReport verify_signed() {
    auto report = verify_chain(trail_, public_key_);
    EXPECT_TRUE(report.has_value()) << report.error();
    return report.value_or(VerifyReport{});
  }

  VerifyReport verify() {
    auto report = verify_chain(trail_);
    EXPECT_TRUE(report.has_value()) << report.error();
    return report.value_or(VerifyReport{});
  }

  // Changes frames, keeping each frame's checksum valid.
  void tamper(const std::function<void(std::vector<EditableFrame>&)>& edit) {
    testing::edit_frames(trail_, edit);
  }

  static void replace(std::string& text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
  }

  testing::TempDir dir_;
  std::filesystem::path trail_ = dir_.path() / "trail";
  crypto::PublicKey public_key_{};
  std::array<std::uint8_t, 64> secret_key_{};
};

// Applies `change` to the record frame with this sequence, wherever it is.
auto at_sequence(std::uint64_t sequence, std::function<void(EditableFrame&)> change) {
  return [sequence, change](std::vector<EditableFrame>& frames) {
    for (auto& frame : frames) {
      if (frame.type == FrameType::kRecord && frame.sequence == sequence) change(frame);
    }
  };
}

TEST_F(VerifyTest, AnUntouchedTrailVerifies) {
  auto report = verify();
  EXPECT_TRUE(report.intact()) << report.problem;
  EXPECT_EQ(report.records, 6u);
  EXPECT_EQ(report.torn_bytes, 0u);
}

TEST_F(VerifyTest, DetectsAnAlteredRecord) {
  tamper(at_sequence(4, [](EditableFrame& f) { replace(f.payload, "refused", "allowed"); }));
  expect_broken(verify(), 4, "hash does not match");
}

TEST_F(VerifyTest, DetectsAnAlteredRecordWithARecomputedHash) {
  // Rewriting one record and its own hash still breaks the next link.
  std::string previous;
  tamper([&](std::vector<EditableFrame>& frames) {
    for (auto& frame : frames) {
      if (frame.type != FrameType::kRecord) continue;
      if (frame.sequence == 4) {
        replace(frame.payload, "refused", "allowed");
        frame.hash = testing::hash_of_hex(chain_hash(previous, frame.payload));
      }
      previous = crypto::to_hex(frame.hash);
    }
  });
  expect_broken(verify(), 5, "hash does not match");
}

// The real attack: alter a record, then recompute its hash and every later
// link (each later body's prev_hash and chain hash), so the chain holds
// together by itself. The signed checkpoint after it catches it: left as it
// is, it names another record; given the new hash, its signature fails;
// deleted, the witness still has it.
TEST_F(VerifyTest, ARewrittenChainFromARecordOnIsCaughtByTheSignedCheckpoint) {
  checkpoint_then_append(1);
  std::string new_hash;  // of record 6 after the rewrite
  auto rewrite_from_4 = [&](std::vector<EditableFrame>& frames, std::string& previous) {
    for (auto& frame : frames) {
      if (frame.type != FrameType::kRecord) continue;
      if (frame.sequence >= 4) {
        auto body = nlohmann::json::parse(frame.payload);
        if (frame.sequence == 4) body["outcome"] = "allowed";
        body["prev_hash"] = previous;
        frame.payload = body.dump();  // sorted keys, no spaces: as canonical as the original
        frame.hash = testing::hash_of_hex(chain_hash(previous, frame.payload));
        if (frame.sequence == 6) new_hash = crypto::to_hex(frame.hash);
      }
      previous = crypto::to_hex(frame.hash);
    }
  };
  const auto pristine = testing::read_segments(trail_);
  const auto witnessed = [&] {
    std::vector<Checkpoint> out;
    for (const auto& segment : pristine) {
      for (const auto& frame : segment.frames) {
        if (frame.type == FrameType::kCheckpoint) out.push_back(*checkpoint_of_line(frame.payload));
      }
    }
    return out;
  }();
  ASSERT_EQ(witnessed.size(), 1u);

  auto attack = [&](const std::function<void(std::vector<EditableFrame>&)>& on_checkpoints) {
    testing::write_segments(pristine);
    std::string previous;
    tamper([&](std::vector<EditableFrame>& frames) { rewrite_from_4(frames, previous); });
    tamper(on_checkpoints);
  };
  attack([](std::vector<EditableFrame>&) {});  // the checkpoint left as it is
  expect_broken(verify(), 6, "differs from the signed checkpoint");

  attack([&](std::vector<EditableFrame>& frames) {  // the checkpoint given the new hash
    for (auto& frame : frames) {
      if (frame.type != FrameType::kCheckpoint) continue;
      auto checkpoint = *checkpoint_of_line(frame.payload);
      checkpoint.head_hash = new_hash;
      frame.payload = witness_line(checkpoint);
      frame.hash = testing::hash_of_hex(new_hash);
    }
  });
  EXPECT_TRUE(verify().intact()) << "without the key a re-hashed checkpoint passes (known)";
  expect_broken(verify_signed(), 6, "no valid signature");

  attack([](std::vector<EditableFrame>& frames) {  // the checkpoint deleted
    std::erase_if(frames, [](const EditableFrame& f) { return f.type == FrameType::kCheckpoint; });
  });
  EXPECT_TRUE(verify_signed().intact()) << "the trail alone cannot tell (the witness's reason)";
  auto report = verify_chain(trail_, public_key_, {}, 100'000, witnessed);
  ASSERT_TRUE(report.has_value());
  expect_broken(*report, 6, "differs from the signed checkpoint");
}

TEST_F(VerifyTest, DetectsADeletedRecord) {
  tamper([](std::vector<EditableFrame>& frames) {
    std::erase_if(frames, [](const EditableFrame& f) { return f.sequence == 2; });
  });
  expect_broken(verify(), 2, "record missing or inserted");
}

TEST_F(VerifyTest, DetectsAnInsertedRecord) {
  std::optional<EditableFrame> copy;
  tamper(at_sequence(2, [&](EditableFrame& f) { copy = f; }));
  ASSERT_TRUE(copy);
  tamper([&](std::vector<EditableFrame>& frames) {
    if (!frames.empty() && frames.front().sequence == 5) frames.insert(frames.begin(), *copy);
  });
  expect_broken(verify(), 5, "record missing or inserted");
}

TEST_F(VerifyTest, DetectsReorderedRecords) {
  std::optional<EditableFrame> second, third;
  tamper(at_sequence(2, [&](EditableFrame& f) { second = f; }));
  tamper(at_sequence(3, [&](EditableFrame& f) { third = f; }));
  tamper([&](std::vector<EditableFrame>& frames) {
    for (auto& frame : frames) {
      if (frame.type != FrameType::kRecord) continue;
      if (frame.sequence == 2) {
        frame = *third;
      } else if (frame.sequence == 3 && frame.payload == third->payload) {
        frame = *second;
      }
    }
  });
  EXPECT_EQ(verify().first_bad_sequence, 2u);
}

TEST_F(VerifyTest, ADamagedFrameBeforeWholeOnesIsBrokenNotTorn) {
  checkpoint_then_append(0);
  const auto segments = testing::read_segments(trail_);   // the newest holds the checkpoint
  const auto older = segments[segments.size() - 2].path;  // record 6 alone
  {  // flip one byte inside record 6 (no re-framing: its checksum fails)
    std::fstream file(older, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(80);
    file.put('#');
  }
  expect_broken(verify(), 6, "damaged");
}

TEST_F(VerifyTest, ATornTailIsReportedButNotVerified) {
  const auto newest = testing::read_segments(trail_).back().path;
  {
    std::ofstream out(newest, std::ios::binary | std::ios::app);
    out << "SKL1\x01";  // the start of a frame whose write never finished
  }
  auto report = verify();
  EXPECT_TRUE(report.intact()) << report.problem;
  EXPECT_EQ(report.records, 6u);
  EXPECT_EQ(report.torn_bytes, 5u);
}

TEST_F(VerifyTest, SignedCheckpointsVerifyWithThePublicKey) {
  checkpoint_then_append(2);
  auto report = verify_signed();
  EXPECT_TRUE(report.intact()) << report.problem;
  EXPECT_EQ(report.checkpoints, 1u);
  EXPECT_TRUE(report.signatures_checked);
  EXPECT_EQ(report.records, 8u);
}

TEST_F(VerifyTest, DetectsATruncatedTailAgainstTheLastCheckpoint) {
  checkpoint_then_append(0);
  // Dropping the newest records leaves a chain that is consistent by itself.
  tamper([](std::vector<EditableFrame>& frames) {
    std::erase_if(frames, [](const EditableFrame& f) {
      return f.type == FrameType::kRecord && f.sequence >= 5;
    });
  });
  expect_broken(verify_signed(), 5, "truncated");
}

TEST_F(VerifyTest, DetectsAForgedCheckpoint) {
  checkpoint_then_append(0);
  tamper([](std::vector<EditableFrame>& frames) {
    for (auto& frame : frames) {
      if (frame.type != FrameType::kCheckpoint) continue;
      frame.sequence = 9;
      replace(frame.payload, "\"sequence\":6", "\"sequence\":9");
    }
  });
  expect_broken(verify_signed(), 9, "no valid signature");
}

TEST_F(VerifyTest, DetectsACheckpointFrameThatIsNotItsSignedLine) {
  checkpoint_then_append(0);
  tamper([](std::vector<EditableFrame>& frames) {
    for (auto& frame : frames) {
      if (frame.type == FrameType::kCheckpoint) frame.sequence = 3;
    }
  });
  expect_broken(verify(), 3, "not its signed line");
}

TEST_F(VerifyTest, DetectsARecordThatDiffersFromItsCheckpoint) {
  checkpoint_then_append(1);
  const std::string forged(64, 'a');
  tamper([&](std::vector<EditableFrame>& frames) {
    for (auto& frame : frames) {
      if (frame.type != FrameType::kCheckpoint) continue;
      auto checkpoint = checkpoint_of_line(frame.payload);
      ASSERT_TRUE(checkpoint.has_value());
      checkpoint->head_hash = forged;
      frame.payload = witness_line(*checkpoint);
      frame.hash = testing::hash_of_hex(forged);
    }
  });
  // Without the key the forged checkpoint is still compared with the chain.
  expect_broken(verify(), 6, "differs from the signed checkpoint");
}

TEST_F(VerifyTest, APrunedTrailVerifiesFromItsSignedCut) {
  {
    auto store = open_store();
    auto pruned = store->prune_through(3, ed25519_signer(secret_key_.data()));
    ASSERT_TRUE(pruned.has_value()) << pruned.error();
    EXPECT_EQ(pruned->checkpoint.sequence, 3u);
    EXPECT_EQ(pruned->records, 3u);
    append(*store, 1);
  }
  auto report = verify_signed();
  EXPECT_TRUE(report.intact()) << report.problem;
  EXPECT_EQ(report.first_sequence, 4u);
  EXPECT_EQ(report.records, 4u);
  tamper([](std::vector<EditableFrame>& frames) {
    std::erase_if(frames, [](const EditableFrame& f) {
      return f.type == FrameType::kRecord && f.sequence == 4;
    });
  });
  expect_broken(verify_signed(), 5, "without a prune's signed cut at 4");
}

// An ordinary checkpoint cannot pass for a prune's cut: deleting the start of
// the trail up to any checkpoint is found, with the key and without.
TEST_F(VerifyTest, DeletingTheStartUpToAnOrdinaryCheckpointIsFound) {
  checkpoint_then_append(2);  // a checkpoint at 6, then records 7 and 8
  tamper([](std::vector<EditableFrame>& frames) {
    std::erase_if(frames, [](const EditableFrame& f) {
      return f.type == FrameType::kRecord && f.sequence <= 6;
    });
  });
  expect_broken(verify(), 7, "without a prune's signed cut at 6");
  expect_broken(verify_signed(), 7, "without a prune's signed cut at 6");
}

TEST_F(VerifyTest, ASegmentThatCannotBeReadIsAnErrorNotABrokenTrail) {
  std::filesystem::create_directory(trail_ / "trail-00000000000000000099.log");
  auto report = verify_chain(trail_);
  ASSERT_FALSE(report.has_value()) << "a directory named as a segment is no damage to report";
  EXPECT_NE(report.error().find("not a regular file"), std::string::npos) << report.error();
}

TEST_F(VerifyTest, APruneKeepsWholeSegmentsOnly) {
  auto store = LogStore::open({.directory = dir_.path() / "one-segment"});
  ASSERT_TRUE(store.has_value());
  append(**store, 6);  // one segment: 1..6
  auto pruned = (*store)->prune_through(3, ed25519_signer(secret_key_.data()));
  ASSERT_TRUE(pruned.has_value()) << pruned.error();
  EXPECT_EQ(pruned->records, 0u) << "records 4..6 share the segment: nothing goes yet";
  append(**store, 1);
  pruned = (*store)->prune_through(6, ed25519_signer(secret_key_.data()));
  ASSERT_TRUE(pruned.has_value()) << pruned.error();
  EXPECT_EQ(pruned->records, 6u);
  EXPECT_EQ(pruned->checkpoint.sequence, 6u);
  auto report = verify_chain(dir_.path() / "one-segment", public_key_);
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->intact()) << report->problem;
  EXPECT_EQ(report->first_sequence, 7u);
}

TEST_F(VerifyTest, ReportsProgressOnALongTrail) {
  std::vector<std::uint64_t> seen;
  auto report = verify_chain(
      trail_, std::nullopt, [&](std::uint64_t records) { seen.push_back(records); }, 2);
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{2, 4, 6}));
}

TEST_F(VerifyTest, QueriesAndPruneRefuseAnAlteredTrail) {
  QueryFilter filter;
  filter.outcome = "refused";
  auto before = query_records(trail_, filter);
  ASSERT_TRUE(before.has_value()) << before.error();
  EXPECT_EQ(before->size(), 3u);
  // Hiding a record from an officer's query by changing what it says.
  tamper(at_sequence(2, [](EditableFrame& f) { replace(f.payload, "refused", "allowed"); }));
  auto after = query_records(trail_, filter);
  ASSERT_FALSE(after.has_value());
  EXPECT_NE(after.error().find("not intact at sequence 2"), std::string::npos) << after.error();
  EXPECT_FALSE(
      plan_prune(LogTrail(trail_), "2999-01-01", [](const std::string&) { return 1; }).has_value());
}

TEST_F(VerifyTest, AMissingTrailIsAnError) {
  EXPECT_FALSE(verify_chain(dir_.path() / "nothing").has_value());
}

}  // namespace
}  // namespace schakel::audit
