#include "common/log.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>

#include <nlohmann/json.hpp>

namespace schakel::log {
namespace {

std::mutex g_mutex;
std::ostream* g_sink = nullptr;
std::atomic<Level> g_level{Level::kInfo};
std::atomic<Format> g_format{Format::kText};
std::filesystem::path g_file_path;      // under g_mutex
std::unique_ptr<std::ofstream> g_file;  // under g_mutex; the sink when set

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

std::string text_line(Level level, std::string_view event, std::initializer_list<Field> fields) {
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
  return line;
}

// Invalid UTF-8 in a field is replaced, never thrown: logging cannot fail.
std::string json_line(Level level, std::string_view event, std::initializer_list<Field> fields) {
  nlohmann::ordered_json line;
  line["time"] = timestamp_utc();
  std::string name(level_name(level));
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  line["level"] = name;
  line["event"] = std::string(event);
  for (const auto& [key, value] : fields) {
    const std::string field(key);
    if (field == "time" || field == "level" || field == "event") continue;  // never shadowed
    line[field] = std::string(value);
  }
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// A file for appending, created 0640 (the group of log readers, never others).
std::expected<std::unique_ptr<std::ofstream>, std::string> open_append(
    const std::filesystem::path& path) {
  // O_NONBLOCK: a FIFO in its place must not hang the start; only a regular file is taken.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK, 0640);
  if (fd < 0) {
    return std::unexpected("cannot open log file " + path.string() + ": " + std::strerror(errno));
  }
  struct stat info {};
  const bool regular = ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode);
  ::close(fd);
  if (!regular) return std::unexpected("log file " + path.string() + " is not a regular file");
  auto file = std::make_unique<std::ofstream>(path, std::ios::app);
  if (!*file) return std::unexpected("cannot open log file " + path.string());
  return file;
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
  if (sink == nullptr) g_file.reset();
}

void set_level(Level level) {
  g_level = level;
}

void set_format(Format format) {
  g_format = format;
}

std::expected<void, std::string> open_file(const std::filesystem::path& path) {
  auto file = open_append(path);
  if (!file) return std::unexpected(file.error());
  std::lock_guard lock(g_mutex);
  g_file = std::move(*file);
  g_file_path = path;
  return {};
}

bool writes_to_file() {
  std::lock_guard lock(g_mutex);
  return g_file != nullptr;
}

std::expected<void, std::string> reopen_file() {
  std::filesystem::path path;
  {
    std::lock_guard lock(g_mutex);
    if (!g_file) return {};
    path = g_file_path;
  }
  auto file = open_append(path);
  if (!file) return std::unexpected(file.error());
  std::lock_guard lock(g_mutex);
  g_file = std::move(*file);
  return {};
}

bool enabled(Level level) {
  return level >= g_level.load();
}

void write(Level level, std::string_view event, std::initializer_list<Field> fields) {
  if (!enabled(level)) return;
  std::string line = g_format.load() == Format::kJson ? json_line(level, event, fields)
                                                      : text_line(level, event, fields);
  line += '\n';
  std::lock_guard lock(g_mutex);
  std::ostream& out = g_sink ? *g_sink : g_file ? *g_file : std::cerr;
  out << line;
  out.flush();
}

}  // namespace schakel::log
