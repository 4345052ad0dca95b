// schakel console: the web console for privacy officers and regions
// (console/console.hpp), and `console passwd`, which sets a user's password
// and TOTP secret for signing in without a certificate.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/log_options.hpp"
#include "common/log.hpp"
#include "console/console.hpp"
#include "console/credentials.hpp"
#include "console/totp.hpp"
#include "gateway/settings.hpp"
#include "gateway/state.hpp"
#include "policy/loader.hpp"

namespace schakel::cli {
namespace {

constexpr std::string_view kCommand = "console";
constexpr std::size_t kMinimumPassword = 12;

constexpr const char* kUsage = R"(Usage:
  schakel console --config DIR [--log-level L] [--log-format F] [--log-file PATH]
      Runs the web console for the region's privacy officers and administrators
      (the trail, the policy and the region's work) on DIR/schakel.json's
      "console" listener (default https://127.0.0.1:8445), beside `schakel serve`.
      Users are the region file's "console_users"; they sign in with a client
      certificate of the region's CA whose CN the file names, or with a password
      and a TOTP code. SIGTERM or SIGINT stops it; SIGHUP reloads the policy.
  schakel console passwd --config DIR --user ID
      Sets the password of console user ID, read from standard input (one line,
      at least 12 characters), and a new TOTP secret, printed once with its
      otpauth:// URI for an authenticator app. Stored as an argon2id hash in
      DATA/console/credentials.json (0600); the change is an audit record.
)";

int passwd(const gateway::Settings& settings, const Args& args) {
  const auto user = args.option("user");
  if (!user) return fail(kCommand, "console passwd needs --user ID");
  auto policy = policy::load_policy({settings.guideline, settings.region});
  if (!policy) return fail(kCommand, "the policy is not valid:\n" + join_lines(policy.error()));
  if (!console::find_user(**policy, *user)) {
    return fail(kCommand, "no console user \"" + *user + "\" in the region file's console_users");
  }
  if (isatty(STDIN_FILENO)) std::fprintf(stderr, "password for %s: ", user->c_str());
  std::string password;
  std::getline(std::cin, password);
  if (password.size() < kMinimumPassword) {
    return fail(kCommand, "the password must have at least " + std::to_string(kMinimumPassword) +
                              " characters");
  }
  auto totp =
      console::Credentials::set(console::Credentials::file_in(settings.data_dir), *user, password);
  if (!totp) return fail(kCommand, totp.error());
  std::printf(
      "console: password set for %s\nTOTP secret (enter it in an authenticator app): %s\n%s\n",
      user->c_str(), totp->c_str(), console::otpauth_uri(*user, *totp).c_str());
  auto keys = crypto::KeyStore::load(settings.keys_dir);
  if (!keys) return fail(kCommand, "the password is set, but " + keys.error());
  auto trail = gateway::open_trail(settings, keys->signing_public_key());
  if (!trail) return fail(kCommand, "the password is set, but " + trail.error());
  auto record = audit::event_record("console", "password-set", {{"user", *user}});
  auto sequence = gateway::append_signed(settings, **trail, *keys, std::move(record));
  if (!sequence)
    return fail(kCommand, "the password is set, but the audit record failed: " + sequence.error());
  return 0;
}

}  // namespace

int console_command(int argc, char** argv) {
  Args args(argc, argv, 2, {"config", "user", "log-level", "log-format", "log-file"}, {"help"});
  if (args.flag("help")) return std::fputs(kUsage, stdout), std::fputs(kLogOptionsHelp, stdout), 0;
  if (!args.ok() || !args.option("config") || args.positional().size() > 1 ||
      (args.positional().size() == 1 && args.positional()[0] != "passwd")) {
    return usage_error(kCommand, args.ok() ? "expected --config DIR, or passwd" : args.error(),
                       kUsage);
  }
  if (auto applied = apply_log_options(args); !applied) return fail(kCommand, applied.error());
  disable_core_dumps();  // typed BSNs and passwords pass through its buffers
  const auto file = std::filesystem::path(*args.option("config")) / "schakel.json";
  auto settings = gateway::load_settings(file);
  if (!settings)
    return fail(kCommand, file.string() + " is not valid:\n" + join_lines(settings.error()));
  if (args.positional().size() == 1) return passwd(*settings, args);
  auto console = console::Console::create(*settings);
  if (!console) return fail(kCommand, "cannot start: " + console.error());
  std::printf("console: https://%s:%u/\n", settings->console.listen.address.c_str(),
              static_cast<unsigned>((*console)->port()));
  std::fflush(stdout);
  (*console)->run_until_signal();
  return 0;
}

}  // namespace schakel::cli
