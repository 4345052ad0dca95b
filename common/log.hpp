#pragma once
// Operational log: one line per event, "time LEVEL event key=value ...", or
// with Format::kJson one JSON object per line ({"time", "level", "event",
// then the fields as strings}) for journald and log shippers.
// Callers pass only operational facts (transaction ids, OINs, purposes,
// statuses, problem names) — never message values or subject identifiers.
// Thread-safe; the sink defaults to stderr, can be a file that reopen_file()
// opens anew (logrotate's SIGUSR1), or be redirected (tests).
#include <expected>
#include <filesystem>
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace schakel::log {

enum class Level { kDebug, kInfo, kWarn, kError };
enum class Format { kText, kJson };

using Field = std::pair<std::string_view, std::string_view>;

std::string timestamp_utc();        // RFC 3339, milliseconds, UTC
void set_sink(std::ostream* sink);  // nullptr restores stderr (closing a log file)
void set_level(Level level);
void set_format(Format format);
// Appends to `path` (created 0640, less under a stricter umask) from now on
// instead of stderr; refuses anything but a regular file (a FIFO, /dev/full).
[[nodiscard]] std::expected<void, std::string> open_file(const std::filesystem::path& path);
// Opens the file of open_file anew (after logrotate moved it away); on
// failure keeps writing to the file it had and says why. Without a file: nothing to do.
[[nodiscard]] std::expected<void, std::string> reopen_file();
[[nodiscard]] bool writes_to_file();  // open_file succeeded (and no set_sink since)
void write(Level level, std::string_view event, std::initializer_list<Field> fields = {});
// Whether a line at `level` would be written: skip building costly fields otherwise.
[[nodiscard]] bool enabled(Level level);

inline void debug(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::kDebug, event, fields);
}
inline void info(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::kInfo, event, fields);
}
inline void warn(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::kWarn, event, fields);
}
inline void error(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::kError, event, fields);
}

}  // namespace schakel::log
