#pragma once
// The subcommands of the `schakel` binary. Each returns the process exit code:
// 0 success, 1 the check failed (lint errors, broken chain), 2 usage or
// start-up error.
namespace schakel::cli {

int serve_command(int argc, char** argv);
int demo_receiver_command(int argc, char** argv);
int keys_command(int argc, char** argv);
int policy_command(int argc, char** argv);
int audit_command(int argc, char** argv);

}  // namespace schakel::cli
