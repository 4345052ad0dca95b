#pragma once
#include <string_view>

namespace schakel::policy {

// True for a 9-digit burgerservicenummer that passes the 11-check:
// 9*d1 + 8*d2 + ... + 2*d8 - d9 is divisible by 11 (and the number is not all zeros).
[[nodiscard]] bool is_valid_bsn(std::string_view text);

}  // namespace schakel::policy
