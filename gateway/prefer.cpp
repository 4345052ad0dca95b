#include "gateway/prefer.hpp"

#include <string>
#include <vector>

#include <boost/algorithm/string/predicate.hpp>
#include <boost/algorithm/string/trim.hpp>

namespace schakel::gateway {
namespace {

// The preferences of one field value: split at commas outside quoted strings.
std::vector<std::string> preferences_of(std::string_view value) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (quoted && c == '\\' && i + 1 < value.size()) {
      out.back() += value[++i];
    } else if (c == '"') {
      quoted = !quoted;
      out.back() += c;
    } else if (c == ',' && !quoted) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

}  // namespace

bool prefers_respond_async(const Request& request) {
  for (const auto& [name, value] : request.headers) {
    if (!boost::algorithm::iequals(name, "Prefer")) continue;
    for (const auto& preference : preferences_of(value)) {
      const std::string token =
          boost::algorithm::trim_copy(preference.substr(0, preference.find_first_of("=;")));
      if (boost::algorithm::iequals(token, "respond-async")) return true;
    }
  }
  return false;
}

}  // namespace schakel::gateway
