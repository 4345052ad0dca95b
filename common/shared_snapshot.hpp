#pragma once
// An immutable value in force, swapped whole (Envoy's config snapshot): a
// reader takes a shared_ptr to the current value and keeps it as long as it
// needs; a writer replaces the pointer, and the old value lives on until its
// last reader lets go. A mutex guards only the pointer copy (tens of
// nanoseconds, never held while the value is used). Not std::atomic of
// shared_ptr: libstdc++ 12 builds that on a lock bit that ThreadSanitizer
// cannot see, so every reload showed as a data race (scripts/sanitize.sh tsan).
#include <memory>
#include <mutex>
#include <utility>

namespace schakel {

template <typename T>
class SharedSnapshot {
 public:
  explicit SharedSnapshot(std::shared_ptr<T> initial) : current_(std::move(initial)) {}

  [[nodiscard]] std::shared_ptr<T> load() const {
    std::lock_guard lock(mutex_);
    return current_;
  }
  void store(std::shared_ptr<T> next) {
    std::shared_ptr<T> previous;  // released after the lock, outside it
    std::lock_guard lock(mutex_);
    previous = std::exchange(current_, std::move(next));
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<T> current_;
};

}  // namespace schakel
