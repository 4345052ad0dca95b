#include <sys/resource.h>

#include <cstdio>
#include <filesystem>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/log_options.hpp"
#include "common/log.hpp"
#include "gateway/gateway.hpp"

namespace schakel::cli {
namespace {

constexpr const char* kUsage =
    R"(Usage: schakel serve --config DIR [--log-level LEVEL] [--log-format F]
                     [--log-file PATH]

Runs the gateway with DIR/schakel.json: the partner listener (mutual TLS,
POST /v1/messages) and the admin listener (/healthz, /readyz, /metrics).
SIGTERM or SIGINT drains requests in flight, flushes the audit trail and stops.
SIGHUP (or POST /admin/reload with the admin token) reloads the policy.
`schakel check --config DIR` finds what would stop it from starting.

)";

}  // namespace

int serve_command(int argc, char** argv) {
  Args args(argc, argv, 2, {"config", "log-level", "log-format", "log-file"}, {"help"});
  if (args.flag("help")) {
    std::fputs(kUsage, stdout);
    std::fputs(kLogOptionsHelp, stdout);
    return 0;
  }
  if (!args.ok() || !args.option("config") || !args.positional().empty()) {
    return usage_error("serve", args.ok() ? "--config DIR is required" : args.error(), kUsage);
  }
  if (auto applied = apply_log_options(args); !applied) return fail("serve", applied.error());
  disable_core_dumps();  // keys and messages must not end up in a core file
  const auto settings_file = std::filesystem::path(*args.option("config")) / "schakel.json";
  auto settings = gateway::load_settings(settings_file);
  if (!settings) {
    return fail("serve",
                settings_file.string() + " is not valid:\n" + join_lines(settings.error()));
  }
  auto gateway = gateway::Gateway::create(*settings);
  if (!gateway) {
    return fail("serve", "cannot start: " + gateway.error());
  }
  (*gateway)->run_until_signal();
  return 0;
}

}  // namespace schakel::cli
