#include "tests/support/example_policy.hpp"

#include <stdexcept>

#include "policy/loader.hpp"
#include "tests/support/paths.hpp"

namespace schakel::testing {

std::shared_ptr<const policy::Policy> example_policy() {
  static const auto policy = [] {
    auto loaded = policy::load_policy({guideline_file(), example_region_file()});
    if (!loaded) throw std::runtime_error(join_lines(loaded.error()));
    return *loaded;
  }();
  return policy;
}

}  // namespace schakel::testing
