// schakel check: what serve would refuse, without starting (gateway/config_check.hpp).
#include <cstdio>
#include <filesystem>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "gateway/config_check.hpp"

namespace schakel::cli {
namespace {

constexpr const char* kUsage = R"(Usage: schakel check --config DIR [--strict]

Checks everything `schakel serve --config DIR` would refuse at start-up,
without starting and without writing: DIR/schakel.json, the guideline and
region (as `policy lint`) with each peer region's signed partner directory
verified against the checkpoint key the region file pins, the partners'
formats, the key directory (files present, owner-only, of the right size),
the TLS files (certificates, keys, CRLs; the gateway's own certificates carry
its OIN in serialNumber, an OIN no partner or peer region's gateway has) and
the database password file. A certificate that expires within 30 days is a
warning. Every problem is listed, one a line: "error: ..." or "warning: ...".
Safe beside a running gateway: run it before a reload and in the region's CI.

  --strict   warnings fail too

Exit 0 when serve would start (warnings allowed), 1 when it would not.
)";

}  // namespace

int check_command(int argc, char** argv) {
  Args args(argc, argv, 2, {"config"}, {"help", "strict"});
  if (args.flag("help")) return std::fputs(kUsage, stdout), 0;
  if (!args.ok() || !args.option("config") || !args.positional().empty()) {
    return usage_error("check", args.ok() ? "--config DIR is required" : args.error(), kUsage);
  }
  const auto settings_file = std::filesystem::path(*args.option("config")) / "schakel.json";
  const auto findings =
      gateway::check_configuration(settings_file, std::chrono::system_clock::now());
  std::size_t errors = 0;
  for (const auto& finding : findings) {
    const bool is_error = finding.severity == gateway::Finding::Severity::kError;
    errors += is_error ? 1 : 0;
    std::printf("%s: %s\n", is_error ? "error" : "warning", finding.text.c_str());
  }
  const std::size_t warnings = findings.size() - errors;
  std::printf("%s: %zu error(s), %zu warning(s)\n", settings_file.c_str(), errors, warnings);
  const bool failed = errors > 0 || (args.flag("strict") && warnings > 0);
  return failed ? kExitCheckFailed : 0;
}

}  // namespace schakel::cli
