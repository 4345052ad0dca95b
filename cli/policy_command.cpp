// schakel policy: lint (and explain).
#include <cstdio>
#include <filesystem>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/config_dir.hpp"
#include "crypto/key_store.hpp"
#include "gateway/settings.hpp"
#include "policy/loader.hpp"

namespace schakel::cli {
namespace {

int usage_error(const char* command, const std::string& message, const char* usage) {
  std::fprintf(stderr, "schakel %s: %s\n\n%s", command, message.c_str(), usage);
  return 2;
}

}  // namespace

int policy_command(int argc, char** argv) {
  static constexpr const char* kUsage = R"(Usage: schakel policy lint --config DIR

Loads the guideline and region that DIR/schakel.json names and reports every
error, one a line as FILE: JSON-POINTER: MESSAGE. Exit 0 when sound, 1 when not.
)";
  Args args(argc, argv, 2, {"config"}, {"help"});
  if (args.flag("help")) return std::fputs(kUsage, stdout), 0;
  if (!args.ok()) return usage_error("policy", args.error(), kUsage);
  if (args.positional() != std::vector<std::string>{"lint"} || !args.option("config")) {
    return usage_error("policy", "expected: policy lint --config DIR", kUsage);
  }
  auto settings = settings_of(*args.option("config"));
  if (!settings) return std::fputs(settings.error().c_str(), stderr), 1;
  auto loaded = policy::load_policy({settings->guideline, settings->region});
  if (!loaded) return std::fputs(join_lines(loaded.error()).c_str(), stdout), 1;
  const auto& policy = **loaded;
  std::printf("policy sound: region \"%s\", %zu partners, %zu purposes enabled, %s\n",
              policy.region_name().c_str(), policy.partners().size(),
              policy.enabled_purposes().size(), policy.hash().c_str());
  return 0;
}

}  // namespace schakel::cli
