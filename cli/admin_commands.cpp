// The offline subcommands: keys, policy lint, audit verify.
#include <cstdio>
#include <filesystem>

#include "audit/verify.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "crypto/key_store.hpp"
#include "gateway/settings.hpp"
#include "policy/loader.hpp"

namespace schakel::cli {
namespace {

int usage_error(const char* command, const std::string& message, const char* usage) {
  std::fprintf(stderr, "schakel %s: %s\n\n%s", command, message.c_str(), usage);
  return 2;
}

std::expected<gateway::Settings, std::string> settings_of(const std::string& dir) {
  auto settings = gateway::load_settings(std::filesystem::path(dir) / "schakel.json");
  if (!settings) return std::unexpected(join_lines(settings.error()));
  return *settings;
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

int audit_command(int argc, char** argv) {
  static constexpr const char* kUsage = R"(Usage: schakel audit verify (--db FILE | --config DIR)

Checks the audit trail's hash chain offline: sequence numbers without gaps,
each record linked to the previous one, each hash matching its record.
Names the first bad sequence number. Exit 0 only when intact.
)";
  Args args(argc, argv, 2, {"db", "config"}, {"help"});
  if (args.flag("help")) return std::fputs(kUsage, stdout), 0;
  if (!args.ok()) return usage_error("audit", args.error(), kUsage);
  if (args.positional() != std::vector<std::string>{"verify"} ||
      (!args.option("db") && !args.option("config"))) {
    return usage_error("audit", "expected: audit verify --db FILE", kUsage);
  }
  std::filesystem::path database;
  if (auto db = args.option("db")) {
    database = *db;
  } else {
    auto settings = settings_of(*args.option("config"));
    if (!settings) return std::fputs(settings.error().c_str(), stderr), 2;
    database = settings->data_dir / "audit.db";
  }
  auto report = audit::verify_chain(database);
  if (!report) {
    std::fprintf(stderr, "schakel audit: %s\n", report.error().c_str());
    return 2;
  }
  if (!report->intact()) {
    std::printf("audit trail BROKEN at sequence %llu: %s (%llu records before it verify)\n",
                static_cast<unsigned long long>(report->first_bad_sequence),
                report->problem.c_str(), static_cast<unsigned long long>(report->records));
    return 1;
  }
  std::printf("audit trail intact: %llu records, head %s\n",
              static_cast<unsigned long long>(report->records), report->head_hash.c_str());
  return 0;
}

}  // namespace schakel::cli
