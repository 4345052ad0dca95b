#pragma once
// Holds a trail's LOCK (audit/log_store.hpp) as another process would — an
// operator's command that never lets go — so that the gateway's or the audit
// writer's batches fail after their lock timeout. Released at destruction.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>

namespace schakel::testing {

class HeldTrailLock {
 public:
  explicit HeldTrailLock(const std::filesystem::path& trail)
      : fd_(::open((trail / "LOCK").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
    held_ = fd_ >= 0 && ::flock(fd_, LOCK_EX) == 0;
  }
  ~HeldTrailLock() { release(); }
  HeldTrailLock(const HeldTrailLock&) = delete;
  HeldTrailLock& operator=(const HeldTrailLock&) = delete;

  [[nodiscard]] bool held() const { return held_; }
  void release() {
    if (fd_ >= 0) ::close(fd_);  // closing drops the flock
    fd_ = -1;
    held_ = false;
  }

 private:
  int fd_;
  bool held_ = false;
};

}  // namespace schakel::testing
