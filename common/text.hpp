#pragma once
// Small text helpers shared by the commands and the audit details.
#include <string>
#include <string_view>
#include <vector>

namespace schakel {

// "a,b,c" for {"a","b","c"} with separator ","; empty for no items.
[[nodiscard]] inline std::string join(const std::vector<std::string>& items,
                                      std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

}  // namespace schakel
