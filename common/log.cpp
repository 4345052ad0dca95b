#include "common/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <mutex>

namespace schakel::log {
namespace {

std::mutex g_mutex;
std::ostream* g_sink = nullptr;
std::atomic<Level> g_level{Level::kInfo};

std::string_view level_name(Level level) {
  switch (level) {
    case Level::kDebug:
      return "DEBUG";
    case Level::kInfo:
      return "INFO";
    case Level::kWarn:
      return "WARN";
    case Level::kError:
      return "ERROR";
  }
  return "?";
}

bool needs_quotes(std::string_view value) {
  return value.empty() || value.find_first_of(" \"=") != std::string_view::npos;
}

}  // namespace

std::string timestamp_utc() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const std::time_t seconds = system_clock::to_time_t(now);
  const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[40];
  std::snprintf(out, sizeof out, "%s.%03dZ", buffer, static_cast<int>(millis));
  return out;
}

void set_sink(std::ostream* sink) {
  std::lock_guard lock(g_mutex);
  g_sink = sink;
}

void set_level(Level level) {
  g_level = level;
}

bool enabled(Level level) {
  return level >= g_level.load();
}

void write(Level level, std::string_view event, std::initializer_list<Field> fields) {
  if (!enabled(level)) return;
  std::string line = timestamp_utc();
  line.append(" ").append(level_name(level)).append(" ").append(event);
  for (const auto& [key, value] : fields) {
    line.append(" ").append(key).append("=");
    if (needs_quotes(value)) {
      line.append("\"").append(value).append("\"");
    } else {
      line.append(value);
    }
  }
  line += '\n';
  std::lock_guard lock(g_mutex);
  std::ostream& out = g_sink ? *g_sink : std::cerr;
  out << line;
  out.flush();
}

}  // namespace schakel::log
