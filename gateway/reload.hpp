#pragma once
// What one reload did (SIGHUP, POST /admin/reload, Gateway::reload).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace schakel::gateway {

struct ReloadResult {
  bool applied = false;
  std::string old_hash;
  std::string new_hash;                             // equals old_hash when refused
  std::vector<std::string> errors;                  // FILE: POINTER: MESSAGE, when refused
  std::map<std::string, std::uint32_t> key_epochs;  // taken up from the key directory
};

}  // namespace schakel::gateway
