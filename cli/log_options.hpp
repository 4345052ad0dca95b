#pragma once
// The log options of the long-running commands (`serve`, `console`):
// --log-level, --log-format and --log-file, applied to common/log.hpp.
#include <expected>
#include <string>

#include "cli/args.hpp"

namespace schakel::cli {

inline constexpr const char* kLogOptionsHelp =
    R"(  --log-level LEVEL  debug, info (default), warn or error. At debug every
                     message gets a line (transaction id, OINs, purpose,
                     outcome — never a value); at info only events and
                     summaries: per-message counts are in /metrics.
  --log-format F     text (default: "time LEVEL event key=value ...") or json
                     (one object a line, for journald and log shippers)
  --log-file PATH    append to PATH (created 0640) instead of stderr;
                     SIGUSR1 opens it anew (logrotate's postrotate)
)";

// Applies the options present; an error names the option and what it takes.
[[nodiscard]] std::expected<void, std::string> apply_log_options(const Args& args);

}  // namespace schakel::cli
