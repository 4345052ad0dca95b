#pragma once
// The audit trail as an append-only, segmented log: the source of truth,
// read by verify, query, export and prune (verify.hpp, query.hpp). A
// directory of segment files (trail-<first sequence, 20 digits>.log) of
// frames (trail_frame.hpp); a batch is one write and one fdatasync, so a
// group commit costs one system call pair whatever its size. Segments roll
// at `segment_bytes`, and when a prune needs a boundary; the segment after
// one is always named by the head sequence + 1, which is how every writer
// finds a roll made by another. At open the newest segment is scanned: a
// tail torn by a crash (trail_frame.hpp, torn_write) is cut off; any other
// damage in it refuses the open. Older segments are not read at open (a
// trail may be gigabytes): `schakel audit verify` reads them all. The
// head (sequence, hash) and the last checkpoint are recovered from the
// frames. Appends from other processes (an operator's `schakel keys` or
// `schakel audit prune`) are safe: every batch takes an exclusive flock on
// the directory's LOCK file — waiting at most `lock_timeout`, then failing —
// and first reads what others appended since. A failed batch is truncated
// away: all-or-nothing. Used by one thread at a time.
#include <chrono>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/store.hpp"
#include "audit/trail_source.hpp"

namespace schakel::audit {

struct LogStoreOptions {
  std::filesystem::path directory;
  std::uint64_t segment_bytes = 64ull * 1024 * 1024;
  bool skip_fsync = false;  // benchmark diagnostics only (settings: audit.unsafe_skip_fsync)
  std::chrono::milliseconds lock_timeout{5000};
};

class LogStore final : public AuditStore {
 public:
  [[nodiscard]] static std::expected<std::unique_ptr<LogStore>, std::string> open(
      const LogStoreOptions& options);
  ~LogStore() override;
  LogStore(const LogStore&) = delete;
  LogStore& operator=(const LogStore&) = delete;

  [[nodiscard]] std::expected<void, std::string> append_batch(
      std::span<AuditRecord> records) override;
  [[nodiscard]] std::expected<void, std::string> check_writable() override;
  [[nodiscard]] std::expected<std::uint64_t, std::string> unsigned_records() override;
  [[nodiscard]] std::expected<Checkpoint, std::string> write_checkpoint(
      const CheckpointSigner& sign) override;

  // Removes the oldest segments whose records all have sequence <= `cut`
  // (rolling the current segment first when `cut` reaches into it), after a
  // signed checkpoint of the last removed record is durable in the log, so
  // the rest still verifies from there. Records past the last whole segment
  // below `cut` stay until a later prune.
  [[nodiscard]] std::expected<PruneResult, std::string> prune_through(
      std::uint64_t cut, const CheckpointSigner& sign) override;

  [[nodiscard]] std::uint64_t head_sequence() const { return head_sequence_; }
  [[nodiscard]] const std::string& head_hash() const { return head_hash_; }
  // Bytes cut off the newest segment at open (a torn tail), for the log.
  [[nodiscard]] std::uint64_t torn_bytes_cut() const { return torn_bytes_cut_; }

 private:
  explicit LogStore(LogStoreOptions options) : options_(std::move(options)) {}
  [[nodiscard]] std::expected<void, std::string> recover();
  [[nodiscard]] std::expected<void, std::string> open_segment(const std::filesystem::path& path);
  [[nodiscard]] std::expected<void, std::string> scan_from(std::uint64_t offset, bool cut_torn);
  [[nodiscard]] std::expected<void, std::string> catch_up();
  [[nodiscard]] std::expected<void, std::string> roll_if_full();
  [[nodiscard]] std::expected<void, std::string> roll();
  [[nodiscard]] std::expected<void, std::string> append_checkpoint(const Checkpoint& checkpoint);
  [[nodiscard]] std::expected<void, std::string> write_durably(const std::string& frames);
  template <typename Body>
  [[nodiscard]] std::expected<void, std::string> locked(Body&& body);

  LogStoreOptions options_;
  int lock_fd_ = -1;
  int segment_fd_ = -1;
  std::filesystem::path segment_path_;
  std::uint64_t segment_size_ = 0;  // bytes of whole frames in the current segment
  std::uint64_t head_sequence_ = 0;
  std::string head_hash_;  // hex, as chain_hash
  std::uint64_t last_checkpoint_ = 0;
  std::uint64_t torn_bytes_cut_ = 0;
};

// The segment files of a trail directory, oldest first.
[[nodiscard]] std::expected<std::vector<std::filesystem::path>, std::string> trail_segments(
    const std::filesystem::path& directory);
// The chain hash (hex) of the record with this sequence, read from the one
// segment that holds it; nothing when the trail does not (pruned, or not yet).
[[nodiscard]] std::expected<std::optional<std::string>, std::string> record_hash_at(
    const std::filesystem::path& directory, std::uint64_t sequence);
// The first sequence a segment holds, from its name.
[[nodiscard]] std::uint64_t segment_first_sequence(const std::filesystem::path& segment);

// Hands every whole frame of the trail to `visit`, oldest first, until it
// returns false. Bytes that are no frame are an error, except at the end of
// the newest segment when they can be a torn write (a crash, or a batch
// being written; the next open cuts it): those are counted in `torn_bytes`.
[[nodiscard]] std::expected<void, TrailReadError> for_each_frame(
    const std::filesystem::path& directory, const std::function<bool(const FrameView&)>& visit,
    std::uint64_t* torn_bytes = nullptr);

}  // namespace schakel::audit
