#include <cstdio>
#include <string_view>

#include "cli/commands.hpp"

namespace {

constexpr const char* kUsage =
    R"(schakel — privacy-preserving data-exchange gateway for Zorg en Veiligheid

Usage: schakel <command> [options]

Commands:
  serve --config DIR            run the gateway on DIR/schakel.json (SIGTERM drains, then stops)
  demo-receiver --config DIR    stand in for the region's partner endpoints and print what arrives
  check --config DIR            everything serve would refuse, without starting
  keys init --keys DIR          create the gateway's key directory (owner-only files)
  keys rotate|shred|export-public   new pseudonym epoch, destroy old audit keys, public key
  peers publish|list --config DIR   the signed partner directory for peer regions; the peers
  policy lint --config DIR      check the guideline and region; every error, one a line
  audit verify --trail DIR      verify the audit trail's hash chain offline
  audit query|export|prune      records by person/partner/purpose, access report, retention
  handovers list --config DIR   handovers not yet answered, their age, whether escalated
  console --config DIR          the web console for privacy officers and regions
  console passwd --config DIR --user ID   a console user's password and TOTP secret

  schakel <command> --help      options of one command
  schakel --version
)";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string_view command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (command == "--version") {
    std::puts("schakel 0.1.0");
    return 0;
  }
  if (command == "serve") return schakel::cli::serve_command(argc, argv);
  if (command == "demo-receiver") return schakel::cli::demo_receiver_command(argc, argv);
  if (command == "check") return schakel::cli::check_command(argc, argv);
  if (command == "keys") return schakel::cli::keys_command(argc, argv);
  if (command == "peers") return schakel::cli::peers_command(argc, argv);
  if (command == "policy") return schakel::cli::policy_command(argc, argv);
  if (command == "audit") return schakel::cli::audit_command(argc, argv);
  if (command == "handovers") return schakel::cli::handovers_command(argc, argv);
  if (command == "console") return schakel::cli::console_command(argc, argv);
  std::fprintf(stderr, "schakel: unknown command \"%s\"\n\n%s", argv[1], kUsage);
  return 2;
}
