#pragma once
// Reads the region file's "console_users" (issue 16): the people who sign in
// to `schakel console`, each with a role —
//   "console_users": [
//     { "id": "fg-voorbeeld", "name": "Functionaris gegevensbescherming",
//       "role": "privacy_officer", "certificate_cn": "fg-voorbeeld" } ]
// role: "privacy_officer" (the trail, persons included; the policy) or
// "region_admin" (the policy and the region's work in counts; never a
// person). certificate_cn, optional: the Subject CN of the user's client
// certificate from the region's CA; without it the user signs in with a
// password and TOTP only (credentials live in the data directory, never in
// the configuration). Errors name the file and JSON pointer: an id that is
// not [a-z0-9-] (1..64), a duplicate id or certificate CN, an unknown role.
#include <vector>

#include "common/json_reader.hpp"
#include "policy/model.hpp"

namespace schakel::policy {

[[nodiscard]] std::vector<ConsoleUser> read_console_users(ObjectReader& region);

}  // namespace schakel::policy
