#pragma once
// The subcommands of the `schakel` binary. Each returns the process exit code:
// 0 success, 1 the check failed (lint errors, broken chain), 2 usage or
// start-up error.
#include <cstdio>
#include <string>
#include <string_view>

namespace schakel::cli {

inline constexpr int kExitCheckFailed = 1;
inline constexpr int kExitUsage = 2;

// How every subcommand reports a failure: "schakel <command>: <message>" on
// stderr; returns the exit code to return.
inline int fail(std::string_view command, const std::string& message, int code = kExitUsage) {
  std::fprintf(stderr, "schakel %.*s: %s\n", static_cast<int>(command.size()), command.data(),
               message.c_str());
  return code;
}

int serve_command(int argc, char** argv);
int demo_receiver_command(int argc, char** argv);
int keys_command(int argc, char** argv);
int policy_command(int argc, char** argv);
int audit_command(int argc, char** argv);

}  // namespace schakel::cli
