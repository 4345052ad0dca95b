#pragma once
// Loads the national guideline and one region file into a compiled Policy.
// Reports every error of a run at once, each with file and JSON pointer:
// unknown members, wrong types, dangling references (roles, fields,
// categories, partners) and every place where the region would widen the
// guideline (a field the guideline drops, a weaker transform, a longer
// retention, a role or level the purpose does not allow).
#include <expected>
#include <filesystem>
#include <memory>

#include "common/config_error.hpp"
#include "policy/model.hpp"

namespace schakel::policy {

struct PolicyFiles {
  std::filesystem::path guideline;
  std::filesystem::path region;
};

[[nodiscard]] std::expected<std::shared_ptr<const Policy>, ConfigErrors> load_policy(
    const PolicyFiles& files);

}  // namespace schakel::policy
