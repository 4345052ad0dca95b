#pragma once
// One problem found in a configuration file: where (file plus line:column for
// syntax errors, or file plus JSON pointer for model errors) and what.
// Loaders collect every error of a run, not only the first.
#include <cstdint>
#include <expected>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace schakel {

struct ConfigError {
  std::string file;
  std::string where;  // "12:5" for syntax errors, "/purposes/x/senders" otherwise
  std::string message;

  [[nodiscard]] std::string to_string() const;  // "file:12:5: msg" or "file: /a/b: msg"
};

using ConfigErrors = std::vector<ConfigError>;

[[nodiscard]] std::string join_lines(const ConfigErrors& errors);

// Configuration files are at most this large.
inline constexpr std::uintmax_t kMaxConfigBytes = 16u << 20;

// Reads and parses one JSON file; a syntax error reports its line and column.
// Refuses what is not a regular file (a FIFO would block) and a file larger
// than kMaxConfigBytes.
[[nodiscard]] std::expected<nlohmann::json, ConfigError> read_json_file(
    const std::filesystem::path& path, const std::string& display_name);

// Appends one JSON-pointer reference token to `pointer` (RFC 6901 escaping).
[[nodiscard]] std::string pointer_append(const std::string& pointer, std::string_view token);

}  // namespace schakel
