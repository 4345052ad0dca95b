#include "cli/config_dir.hpp"

#include <filesystem>

#include "common/config_error.hpp"
#include "policy/loader.hpp"

namespace schakel::cli {

std::expected<gateway::Settings, std::string> settings_of(const std::string& dir) {
  auto settings = gateway::load_settings(std::filesystem::path(dir) / "schakel.json");
  if (!settings) return std::unexpected(join_lines(settings.error()));
  return *settings;
}

std::expected<std::shared_ptr<const policy::Policy>, std::string> policy_of(
    const gateway::Settings& settings) {
  auto loaded = policy::load_policy({settings.guideline, settings.region});
  if (!loaded) return std::unexpected(join_lines(loaded.error()));
  return *loaded;
}

}  // namespace schakel::cli
