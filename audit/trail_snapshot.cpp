#include "audit/trail_snapshot.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "audit/log_store.hpp"

namespace schakel::audit {
namespace {

std::string system_error(const std::string& what, const std::filesystem::path& path) {
  return what + " " + path.string() + ": " + std::strerror(errno);
}

// Holds the trail's LOCK for as long as it lives.
class TrailLock {
 public:
  ~TrailLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the flock
  }
  [[nodiscard]] std::expected<void, std::string> take(const std::filesystem::path& directory,
                                                      std::chrono::milliseconds timeout) {
    const auto lock = directory / "LOCK";
    fd_ = ::open(lock.c_str(), O_RDWR | O_CLOEXEC);
    if (fd_ < 0) return std::unexpected(system_error("cannot open", lock));
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK && errno != EINTR) {
        return std::unexpected(system_error("cannot lock", lock));
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        return std::unexpected("the trail " + directory.string() + " stayed locked for " +
                               std::to_string(timeout.count()) + " ms");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return {};
  }

 private:
  int fd_ = -1;
};

}  // namespace

SegmentSnapshot::~SegmentSnapshot() {
  if (fd_ >= 0) ::close(fd_);
}

SegmentSnapshot::SegmentSnapshot(SegmentSnapshot&& other) noexcept
    : name_(std::move(other.name_)), fd_(other.fd_), size_(other.size_) {
  other.fd_ = -1;
}

std::expected<std::string, std::string> SegmentSnapshot::read(std::uint64_t offset,
                                                              std::size_t length) const {
  if (offset + length > size_) return std::unexpected("read past the snapshot of " + name_);
  std::string bytes(length, '\0');
  std::size_t done = 0;
  while (done < length) {
    const auto got =
        ::pread(fd_, bytes.data() + done, length - done, static_cast<off_t>(offset + done));
    if (got <= 0) return std::unexpected("cannot read " + name_ + ": " + std::strerror(errno));
    done += static_cast<std::size_t>(got);
  }
  return bytes;
}

std::expected<std::vector<SegmentSnapshot>, std::string> snapshot_trail(
    const std::filesystem::path& directory, std::chrono::milliseconds lock_timeout) {
  TrailLock lock;
  if (auto taken = lock.take(directory, lock_timeout); !taken) {
    return std::unexpected(taken.error());
  }
  auto segments = trail_segments(directory);
  if (!segments) return std::unexpected(segments.error());
  std::vector<SegmentSnapshot> snapshot;
  for (const auto& segment : *segments) {
    const int fd = ::open(segment.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return std::unexpected(system_error("cannot open", segment));
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
      ::close(fd);
      return std::unexpected("the trail segment " + segment.string() + " is not a regular file");
    }
    snapshot.emplace_back(segment.filename().string(), fd,
                          static_cast<std::uint64_t>(info.st_size));
  }
  return snapshot;
}

}  // namespace schakel::audit
