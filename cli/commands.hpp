#pragma once
// The subcommands of the `schakel` binary. Each returns the process exit code:
// 0 success, 1 the check failed (lint errors, broken chain), 2 usage or
// start-up error.
#include <sys/resource.h>

#include <cstdio>
#include <string>
#include <string_view>

namespace schakel::cli {

inline constexpr int kExitCheckFailed = 1;
inline constexpr int kExitUsage = 2;

// How every subcommand reports a failure: "schakel <command>: <message>" on
// stderr (one line end, whether the message brings its own or not); returns
// the exit code to return.
inline int fail(std::string_view command, const std::string& message, int code = kExitUsage) {
  const bool ends_line = !message.empty() && message.back() == '\n';
  std::fprintf(stderr, "schakel %.*s: %s%s", static_cast<int>(command.size()), command.data(),
               message.c_str(), ends_line ? "" : "\n");
  return code;
}

// A usage error: the failure, then the command's usage text.
inline int usage_error(std::string_view command, const std::string& message, const char* usage) {
  fail(command, message, kExitUsage);
  std::fprintf(stderr, "\n%s", usage);
  return kExitUsage;
}

// Keys, messages, BSNs typed by an officer and passwords must not end up in
// a core file: `serve` and `console` call this first.
inline void disable_core_dumps() {
  struct rlimit none {
    0, 0
  };
  setrlimit(RLIMIT_CORE, &none);
}

int serve_command(int argc, char** argv);
int demo_receiver_command(int argc, char** argv);
int keys_command(int argc, char** argv);
int policy_command(int argc, char** argv);
int audit_command(int argc, char** argv);
int handovers_command(int argc, char** argv);
int console_command(int argc, char** argv);
int check_command(int argc, char** argv);
int peers_command(int argc, char** argv);

}  // namespace schakel::cli
