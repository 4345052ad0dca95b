#pragma once
// Operational log: one line per event, "time LEVEL event key=value ...".
// Callers pass only operational facts (transaction ids, OINs, purposes,
// statuses, problem names) — never message values or subject identifiers.
// Thread-safe; the sink defaults to stderr and can be redirected (tests).
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace schakel::log {

enum class Level { kDebug, kInfo, kWarn, kError };

using Field = std::pair<std::string_view, std::string_view>;

std::string timestamp_utc();        // RFC 3339, milliseconds, UTC
void set_sink(std::ostream* sink);  // nullptr restores stderr
void set_level(Level level);
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
