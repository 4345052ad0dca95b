#include "audit/verify.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <vector>

#include "audit/log_store.hpp"
#include "audit/record.hpp"
#include "audit/trail_frame.hpp"
#include "audit/witness.hpp"
#include "crypto/encoding.hpp"

namespace schakel::audit {
namespace {

// The checkpoints that bind the chain: each sequence's signed head hash,
// which sequences a prune cut at, and every checkpoint as signed (for the
// signature check).
struct Checkpoints {
  std::map<std::uint64_t, std::string> hash_at;
  std::set<std::uint64_t> prune_cuts;
  std::vector<Checkpoint> all;

  // False when another checkpoint names a different record at this sequence.
  bool add(const Checkpoint& checkpoint) {
    auto [it, added] = hash_at.emplace(checkpoint.sequence, checkpoint.head_hash);
    if (!added && it->second != checkpoint.head_hash) return false;
    if (checkpoint.prune_cut) prune_cuts.insert(checkpoint.sequence);
    all.push_back(checkpoint);
    return true;
  }
};

void fail(VerifyReport& report, std::uint64_t sequence, std::string problem) {
  report.first_bad_sequence = sequence;
  report.problem = std::move(problem);
}

// The trail's own checkpoints. False (with the report failed) when a
// checkpoint frame is not its signed line or contradicts another, or when
// bytes that are no frame lie before the newest segment's end; an error when
// a segment cannot be read at all.
std::expected<bool, std::string> read_checkpoints(const TrailSource& trail, VerifyReport& report,
                                                  Checkpoints& out) {
  bool whole = true;
  std::uint64_t last_record = 0;
  auto read = trail.for_each_frame([&](const FrameView& frame) {
    if (frame.type != FrameType::kCheckpoint) {
      last_record = frame.sequence;
      ++report.records;  // seen, not yet verified: the walk counts again
      return true;
    }
    auto checkpoint = checkpoint_of_line(frame.payload);
    if (!checkpoint || checkpoint->sequence != frame.sequence ||
        checkpoint->head_hash != crypto::to_hex(frame.hash)) {
      fail(report, frame.sequence, "the checkpoint frame at this sequence is not its signed line");
      return whole = false;
    }
    if (!out.add(*checkpoint)) {
      fail(report, frame.sequence, "two checkpoints at this sequence name different records");
      return whole = false;
    }
    return true;
  });
  if (!read && read.error().kind == TrailReadError::Kind::kUnreadable) {
    return std::unexpected(read.error().message);
  }
  if (!read) {  // bytes that are no frame
    fail(report, last_record + 1, read.error().message);
    return false;
  }
  report.records = 0;
  return whole;
}

// Adds the witness's checkpoints to the trail's own, each signature checked;
// false (with the report failed) when one is forged or contradicts the trail's.
bool add_witnessed(VerifyReport& report, Checkpoints& checkpoints,
                   std::span<const Checkpoint> witnessed, const crypto::PublicKey& key) {
  for (const auto& checkpoint : witnessed) {
    if (!signature_valid(checkpoint, key)) {
      fail(report, checkpoint.sequence,
           "the witnessed checkpoint at this sequence has no valid signature");
      return false;
    }
    if (!checkpoints.add(checkpoint)) {
      fail(report, checkpoint.sequence,
           "the trail's checkpoint at this sequence differs from the witnessed one");
      return false;
    }
    ++report.witnessed;
    report.last_witnessed_sequence = std::max(report.last_witnessed_sequence, checkpoint.sequence);
  }
  return true;
}

// Walks the record frames in order, checking each against the one before.
class ChainWalk {
 public:
  ChainWalk(VerifyReport& report, const Checkpoints& checkpoints, const VerifyOptions& options)
      : report_(report), checkpoints_(checkpoints), options_(options) {}

  // false stops the walk: the report names the first bad record.
  bool record(const FrameView& frame) {
    if (expected_ == 0 && !start(frame)) return false;
    if (auto problem = check(frame); !problem.empty()) {
      fail(report_, expected_, std::move(problem));
      return false;
    }
    if (options_.visit) options_.visit(frame.sequence, body_);
    ++report_.records;
    if (options_.progress && report_.records % options_.progress_every == 0) {
      options_.progress(report_.records);
    }
    ++expected_;
    previous_ = crypto::to_hex(frame.hash);
    return true;
  }

  // The sequence of the last record that checked out (0: none).
  [[nodiscard]] std::uint64_t last() const { return expected_ == 0 ? 0 : expected_ - 1; }
  [[nodiscard]] const std::string& head_hash() const { return previous_; }

 private:
  // The chain's start: genesis, or the signed cut a prune left.
  bool start(const FrameView& frame) {
    expected_ = report_.first_sequence = frame.sequence;
    if (frame.sequence == 1) return true;
    const auto cut = checkpoints_.hash_at.find(frame.sequence - 1);
    if (cut == checkpoints_.hash_at.end() || !checkpoints_.prune_cuts.contains(cut->first)) {
      fail(report_, frame.sequence,
           "the trail starts at sequence " + std::to_string(frame.sequence) +
               " without a prune's signed cut at " + std::to_string(frame.sequence - 1) +
               " (records deleted)");
      return false;
    }
    previous_ = cut->second;
    return true;
  }

  // Why this frame does not continue the chain, or empty when it does.
  std::string check(const FrameView& frame) {
    if (frame.sequence != expected_) {
      return "expected sequence " + std::to_string(expected_) + ", found " +
             std::to_string(frame.sequence) + " (record missing or inserted)";
    }
    if (chain_hash(previous_, frame.payload) != crypto::to_hex(frame.hash)) {
      return expected_ == report_.first_sequence && expected_ > 1
                 ? "the first record does not follow the signed checkpoint before it"
                 : "hash does not match the record body and the previous record";
    }
    body_ = nlohmann::json::parse(frame.payload, nullptr, false);
    const auto sequence = body_.is_object() ? body_.find("sequence") : body_.end();
    const auto prev = body_.is_object() ? body_.find("prev_hash") : body_.end();
    if (!body_.is_object() || sequence == body_.end() || !sequence->is_number_unsigned() ||
        sequence->get<std::uint64_t>() != frame.sequence || prev == body_.end() ||
        !prev->is_string() || prev->get<std::string>() != previous_) {
      return "record body disagrees with its sequence or prev_hash";
    }
    if (auto it = checkpoints_.hash_at.find(frame.sequence);
        it != checkpoints_.hash_at.end() && it->second != crypto::to_hex(frame.hash)) {
      return "record differs from the signed checkpoint at this sequence";
    }
    return {};
  }

  VerifyReport& report_;
  const Checkpoints& checkpoints_;
  const VerifyOptions& options_;
  std::uint64_t expected_ = 0;
  std::string previous_{kGenesisHash};
  nlohmann::json body_;
};

}  // namespace

std::expected<VerifyReport, std::string> verify_trail(const TrailSource& trail,
                                                      const VerifyOptions& options) {
  if (!options.witnessed.empty() && !options.key) {
    return std::unexpected(std::string("a witness can be checked only with the public key"));
  }
  VerifyReport report;
  Checkpoints checkpoints;
  auto whole = read_checkpoints(trail, report, checkpoints);
  if (!whole) return std::unexpected(whole.error());
  if (!*whole) return report;
  report.checkpoints = checkpoints.hash_at.size();
  if (!checkpoints.hash_at.empty()) {
    report.last_checkpoint_sequence = checkpoints.hash_at.rbegin()->first;
  }
  report.signatures_checked = options.key.has_value();
  if (options.key) {
    for (const auto& checkpoint : checkpoints.all) {
      if (!signature_valid(checkpoint, *options.key)) {
        fail(report, checkpoint.sequence, "the checkpoint at this sequence has no valid signature");
        return report;
      }
    }
    if (!add_witnessed(report, checkpoints, options.witnessed, *options.key)) return report;
  }
  ChainWalk walk(report, checkpoints, options);
  auto read = trail.for_each_frame(
      [&](const FrameView& frame) {
        return frame.type != FrameType::kRecord || walk.record(frame);
      },
      &report.torn_bytes);
  if (!report.intact()) return report;
  if (!read) {  // changed since the first pass (a prune removed a segment)
    return std::unexpected(read.error().message + "; run again");
  }
  report.head_hash = walk.head_hash();
  if (!checkpoints.hash_at.empty() && checkpoints.hash_at.rbegin()->first > walk.last()) {
    fail(report, walk.last() + 1,
         "truncated: a signed checkpoint covers sequence " +
             std::to_string(checkpoints.hash_at.rbegin()->first) + " but the trail ends at " +
             std::to_string(walk.last()));
  }
  return report;
}

std::expected<VerifyReport, std::string> verify_trail(const std::filesystem::path& trail,
                                                      const VerifyOptions& options) {
  return verify_trail(LogTrail(trail), options);
}

std::expected<crypto::PublicKey, std::string> read_public_key(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string line;
  if (!in || !std::getline(in, line)) return std::unexpected("cannot read " + file.string());
  auto key = crypto::parse_public_key(line);
  if (!key) return std::unexpected(file.string() + ": expected ed25519:HEX (64 hex digits)");
  return *key;
}

}  // namespace schakel::audit
