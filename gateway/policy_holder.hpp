#pragma once
// The policy in force. Each message takes a snapshot when it starts and keeps
// it to the end, so a reload swaps atomically and never changes the rules
// under a message in flight.
#include <memory>

#include "common/shared_snapshot.hpp"
#include "policy/model.hpp"

namespace schakel::gateway {

class PolicyHolder {
 public:
  explicit PolicyHolder(std::shared_ptr<const policy::Policy> initial)
      : current_(std::move(initial)) {}
  [[nodiscard]] std::shared_ptr<const policy::Policy> snapshot() const { return current_.load(); }
  void replace(std::shared_ptr<const policy::Policy> next) { current_.store(std::move(next)); }

 private:
  SharedSnapshot<const policy::Policy> current_;
};

}  // namespace schakel::gateway
