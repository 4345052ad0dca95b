#include "gateway/http_types.hpp"

#include <strings.h>

namespace schakel::gateway {

const std::string* Request::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && ::strncasecmp(key.data(), name.data(), name.size()) == 0) {
      return &value;
    }
  }
  return nullptr;
}

}  // namespace schakel::gateway
