#pragma once
// The example region's compiled policy, loaded once per test binary.
#include <memory>

#include "policy/model.hpp"

namespace schakel::testing {

[[nodiscard]] std::shared_ptr<const policy::Policy> example_policy();

}  // namespace schakel::testing
