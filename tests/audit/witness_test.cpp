// The witness (issue 11): signed checkpoints kept outside the gateway's data
// make a tail deleted together with its checkpoints detectable.
#include "audit/witness.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <fstream>

#include "audit/log_store.hpp"
#include "audit/verify.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/trail_editor.hpp"

namespace schakel::audit {
namespace {

class WitnessTest : public ::testing::Test {
 protected:
  void SetUp() override { crypto_sign_keypair(public_key_.data(), secret_key_.data()); }

  // `count` records, then a checkpoint of the head, published to the witness.
  void append_and_witness(std::size_t count) {
    auto store = LogStore::open({.directory = trail_});
    ASSERT_TRUE(store.has_value()) << store.error();
    std::vector<AuditRecord> records(count);
    for (auto& record : records) {
      record.kind = "decision";
      record.outcome = "allowed";
      record.transaction_id = "tx";
    }
    ASSERT_TRUE((*store)->append_batch(records).has_value());
    auto checkpoint = (*store)->write_checkpoint(ed25519_signer(secret_key_.data()));
    ASSERT_TRUE(checkpoint.has_value()) << checkpoint.error();
    auto witness = WitnessFile::open(witness_);
    ASSERT_TRUE(witness.has_value()) << witness.error();
    ASSERT_TRUE((*witness)->publish(*checkpoint).has_value());
  }

  VerifyReport verify_with(const std::vector<Checkpoint>& witnessed) {
    auto report = verify_chain(trail_, public_key_, {}, 100'000, witnessed);
    EXPECT_TRUE(report.has_value()) << report.error();
    return report.value_or(VerifyReport{});
  }

  testing::TempDir dir_;
  std::filesystem::path trail_ = dir_.path() / "trail";
  std::filesystem::path witness_ = dir_.path() / "elsewhere" / "witness.jsonl";
  crypto::PublicKey public_key_{};
  std::array<std::uint8_t, 64> secret_key_{};
};

TEST_F(WitnessTest, CheckpointsReadBackAsWritten) {
  std::filesystem::create_directories(witness_.parent_path());
  append_and_witness(3);
  append_and_witness(4);
  auto read = read_witness(witness_);
  ASSERT_TRUE(read.has_value()) << read.error();
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ((*read)[0].sequence, 3u);
  EXPECT_EQ((*read)[1].sequence, 7u);
  EXPECT_TRUE(signature_valid((*read)[1], public_key_));
}

TEST_F(WitnessTest, ATailDeletedWithItsCheckpointsIsFoundOnlyWithTheWitness) {
  std::filesystem::create_directories(witness_.parent_path());
  append_and_witness(5);
  append_and_witness(5);
  testing::edit_frames(trail_, [](std::vector<testing::EditableFrame>& frames) {
    std::erase_if(frames, [](const testing::EditableFrame& f) { return f.sequence > 5; });
  });
  auto alone = verify_chain(trail_, public_key_);
  ASSERT_TRUE(alone.has_value());
  EXPECT_TRUE(alone->intact()) << "the trail alone cannot tell (the known gap)";
  auto witnessed = read_witness(witness_);
  ASSERT_TRUE(witnessed.has_value());
  const auto report = verify_with(*witnessed);
  EXPECT_FALSE(report.intact());
  EXPECT_EQ(report.first_bad_sequence, 6u);
  EXPECT_NE(report.problem.find("truncated"), std::string::npos) << report.problem;
  EXPECT_EQ(report.last_witnessed_sequence, 10u);
}

TEST_F(WitnessTest, AnIntactTrailVerifiesAgainstItsWitness) {
  std::filesystem::create_directories(witness_.parent_path());
  append_and_witness(2);
  append_and_witness(2);
  const auto report = verify_with(*read_witness(witness_));
  EXPECT_TRUE(report.intact()) << report.problem;
  EXPECT_EQ(report.witnessed, 2u);
}

TEST_F(WitnessTest, AForgedOrContradictingWitnessIsReported) {
  std::filesystem::create_directories(witness_.parent_path());
  append_and_witness(3);
  auto witnessed = *read_witness(witness_);
  auto forged = witnessed;
  forged[0].head_hash[0] = forged[0].head_hash[0] == 'a' ? 'b' : 'a';
  EXPECT_NE(verify_with(forged).problem.find("no valid signature"), std::string::npos);
  // A witness signed over another head at the same sequence: one of the two lies.
  auto other = witnessed;
  other[0].head_hash = std::string(64, 'c');
  other[0].signature = ed25519_signer(secret_key_.data())(other[0].signed_bytes());
  EXPECT_NE(verify_with(other).problem.find("differs from the witnessed one"), std::string::npos);
  EXPECT_FALSE(verify_chain(trail_, std::nullopt, {}, 100'000, witnessed).has_value())
      << "a witness without the public key proves nothing";
}

TEST_F(WitnessTest, ALineThatIsNoCheckpointIsAnErrorWithItsLineNumber) {
  std::filesystem::create_directories(witness_.parent_path());
  append_and_witness(1);
  std::ofstream(witness_, std::ios::app) << R"({"sequence": 2, "head_hash": "h"})"
                                         << "\n";
  auto read = read_witness(witness_);
  ASSERT_FALSE(read.has_value());
  EXPECT_NE(read.error().find("witness.jsonl:2: not a witnessed checkpoint"), std::string::npos)
      << read.error();
  EXPECT_FALSE(WitnessFile::open(dir_.path() / "no" / "such" / "dir" / "w").has_value());
}

TEST_F(WitnessTest, ALastLineTornByACrashIsSkipped) {
  std::filesystem::create_directories(witness_.parent_path());
  append_and_witness(2);
  std::ofstream(witness_, std::ios::app) << R"({"sequence": 3, "head_ha)";
  auto read = read_witness(witness_);
  ASSERT_TRUE(read.has_value()) << read.error();
  EXPECT_EQ(read->size(), 1u);
}

}  // namespace
}  // namespace schakel::audit
