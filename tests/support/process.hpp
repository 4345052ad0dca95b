#pragma once
// Facts about this test process from /proc: what a test compares before and
// after hostile traffic to show that nothing grows without bound.
#include <cstddef>
#include <fstream>
#include <string>

namespace schakel::testing {

// Resident set size in KiB (VmRSS), 0 when /proc cannot be read.
inline std::size_t resident_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::stoul(line.substr(6));
  }
  return 0;
}

}  // namespace schakel::testing
