#pragma once
// A consistent view of the embedded trail while a gateway appends to it
// (`schakel audit backup`): under the trail's LOCK — the lock every batch
// takes, held here only to open files and read one size — every segment is
// opened and the newest one's size taken. No batch is under way then, so the
// size ends on a whole frame. After the lock the gateway appends again, past
// that size; a prune may unlink old segments, which stay readable through
// the descriptors opened here. Reading each segment up to its size gives the
// trail exactly as it stood at one moment.
#include <chrono>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <string>
#include <vector>

namespace schakel::audit {

class SegmentSnapshot {
 public:
  SegmentSnapshot(std::string name, int fd, std::uint64_t size)
      : name_(std::move(name)), fd_(fd), size_(size) {}
  ~SegmentSnapshot();
  SegmentSnapshot(SegmentSnapshot&& other) noexcept;
  SegmentSnapshot& operator=(SegmentSnapshot&&) = delete;
  SegmentSnapshot(const SegmentSnapshot&) = delete;

  [[nodiscard]] const std::string& name() const { return name_; }  // trail-<20 digits>.log
  [[nodiscard]] std::uint64_t size() const { return size_; }
  // `length` bytes from `offset` (offset + length <= size()).
  [[nodiscard]] std::expected<std::string, std::string> read(std::uint64_t offset,
                                                             std::size_t length) const;

 private:
  std::string name_;
  int fd_;
  std::uint64_t size_;
};

// Waits for the LOCK at most `lock_timeout` (then fails, like a writer).
[[nodiscard]] std::expected<std::vector<SegmentSnapshot>, std::string> snapshot_trail(
    const std::filesystem::path& directory, std::chrono::milliseconds lock_timeout);

}  // namespace schakel::audit
