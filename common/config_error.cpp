#include "common/config_error.hpp"

#include <fstream>
#include <sstream>

#include "common/strict_json.hpp"

namespace schakel {
namespace {

std::string line_and_column(const std::string& text, std::size_t byte) {
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i + 1 < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

}  // namespace

std::string ConfigError::to_string() const {
  if (!where.empty() && where.front() == '/') return file + ": " + where + ": " + message;
  if (where.empty()) return file + ": " + message;
  return file + ":" + where + ": " + message;
}

std::string join_lines(const ConfigErrors& errors) {
  std::string out;
  for (const auto& error : errors) out += error.to_string() + "\n";
  return out;
}

std::expected<nlohmann::json, ConfigError> read_json_file(const std::filesystem::path& path,
                                                          const std::string& display_name) {
  // Only a regular file of a sane size: a FIFO would block the reader (serve,
  // check, reload) and a huge file would eat its memory.
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!ec && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    return std::unexpected(ConfigError{display_name, "", path.string() + " is not a regular file"});
  }
  if (const auto size = std::filesystem::file_size(path, ec); !ec && size > kMaxConfigBytes) {
    return std::unexpected(ConfigError{
        display_name, "",
        path.string() + " is larger than " + std::to_string(kMaxConfigBytes >> 20) + " MiB"});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(ConfigError{display_name, "", "cannot open " + path.string()});
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  auto parsed = parse_strict_json(text);
  if (parsed) return std::move(*parsed);
  const auto& error = parsed.error();
  if (error.kind == StrictJsonErrorKind::kSyntax) {
    return std::unexpected(
        ConfigError{display_name, line_and_column(text, error.position), error.message});
  }
  return std::unexpected(ConfigError{display_name, error.pointer, error.message});
}

std::string pointer_append(const std::string& pointer, std::string_view token) {
  std::string out = pointer + "/";
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace schakel
