#include "policy/console_users_loader.hpp"

#include <algorithm>
#include <set>

namespace schakel::policy {
namespace {

bool is_user_id(const std::string& id) {
  return !id.empty() && id.size() <= 64 && std::ranges::all_of(id, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

}  // namespace

std::vector<ConsoleUser> read_console_users(ObjectReader& region) {
  std::vector<ConsoleUser> out;
  const nlohmann::json* users = region.array("console_users", Presence::kOptional);
  if (!users) return out;
  std::set<std::string> ids;
  std::set<std::string> names;
  for (std::size_t i = 0; i < users->size(); ++i) {
    const std::string pointer = pointer_append(region.child("console_users"), std::to_string(i));
    auto reader = region.nested((*users)[i], pointer);
    ConsoleUser user;
    user.rule = region.file() + "#" + pointer;
    user.id = reader.string("id", Presence::kRequired).value_or("");
    user.name = reader.string("name", Presence::kRequired).value_or("");
    const std::string role = reader.string("role", Presence::kRequired).value_or("");
    user.certificate_cn = reader.string("certificate_cn", Presence::kOptional).value_or("");
    if (reader.is_object() && !is_user_id(user.id)) {
      reader.error(reader.child("id"), "must be 1..64 of a-z, 0-9 and -");
    } else if (!user.id.empty() && !ids.insert(user.id).second) {
      reader.error(reader.child("id"), "duplicate console user \"" + user.id + "\"");
    }
    if (role == "privacy_officer") {
      user.role = ConsoleRole::kPrivacyOfficer;
    } else if (role == "region_admin") {
      user.role = ConsoleRole::kRegionAdmin;
    } else if (reader.is_object()) {
      reader.error(reader.child("role"), "must be \"privacy_officer\" or \"region_admin\"");
    }
    if (reader.has("certificate_cn") && user.certificate_cn.empty()) {
      reader.error(reader.child("certificate_cn"), "must not be empty");
    } else if (!user.certificate_cn.empty() && !names.insert(user.certificate_cn).second) {
      reader.error(reader.child("certificate_cn"), "two users with one certificate CN");
    }
    reader.finish();
    out.push_back(std::move(user));
  }
  return out;
}

}  // namespace schakel::policy
