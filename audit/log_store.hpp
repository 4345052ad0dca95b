#pragma once
// The audit trail as an append-only, segmented log: the source of truth.
// A directory of segment files (trail-<first sequence, 20 digits>.log) of
// frames (trail_frame.hpp); a batch is one write and one fdatasync, so a
// group commit costs one system call pair whatever its size. Segments roll
// at `segment_bytes`. At open the newest segment is scanned: a torn or
// damaged tail (a crash mid-write) is cut off at the last whole frame and
// the head (sequence, hash) and the last checkpoint are recovered from it.
// Appends from other processes (an operator's `schakel keys`) are safe: every
// batch takes an exclusive flock on the directory's LOCK file and first
// reads what others appended since. A failed batch is truncated away:
// all-or-nothing. Used by one thread at a time.
// Not yet wired: the gateway and the CLI still keep the trail in SQLite
// (sqlite_store.hpp); this log is built to take its place (issue 11), its
// append cost beside SQLite's in bench/micro_benchmarks.cpp.
#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "audit/store.hpp"

namespace schakel::audit {

struct LogStoreOptions {
  std::filesystem::path directory;
  std::uint64_t segment_bytes = 64ull * 1024 * 1024;
  bool skip_fsync = false;  // benchmark diagnostics only (settings: audit.unsafe_skip_fsync)
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

  [[nodiscard]] std::uint64_t head_sequence() const { return head_sequence_; }
  // Bytes cut off the newest segment at open (a torn tail), for the log.
  [[nodiscard]] std::uint64_t torn_bytes_cut() const { return torn_bytes_cut_; }

 private:
  explicit LogStore(LogStoreOptions options) : options_(std::move(options)) {}
  [[nodiscard]] std::expected<void, std::string> recover();
  [[nodiscard]] std::expected<void, std::string> open_segment(const std::filesystem::path& path);
  [[nodiscard]] std::expected<void, std::string> scan_from(std::uint64_t offset, bool cut_torn);
  [[nodiscard]] std::expected<void, std::string> catch_up();
  [[nodiscard]] std::expected<void, std::string> roll_if_full();
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

struct FrameView;
// Hands every whole frame of the trail to `visit`, oldest first, until it
// returns false. Bytes that are no frame are an error, except at the end of
// the newest segment (a tail torn by a crash, which the next open cuts):
// those are counted in `torn_bytes`.
[[nodiscard]] std::expected<void, std::string> for_each_frame(
    const std::filesystem::path& directory, const std::function<bool(const FrameView&)>& visit,
    std::uint64_t* torn_bytes = nullptr);

}  // namespace schakel::audit
