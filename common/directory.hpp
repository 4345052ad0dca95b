#pragma once
// A directory's entries, read without exceptions: the range-for over
// std::filesystem::directory_iterator advances with the throwing operator++,
// so expected-based code lists a directory through this instead.
#include <expected>
#include <filesystem>
#include <string>
#include <vector>

namespace schakel {

[[nodiscard]] inline std::expected<std::vector<std::filesystem::directory_entry>, std::string>
list_directory(const std::filesystem::path& directory) {
  std::error_code ec;
  std::vector<std::filesystem::directory_entry> entries;
  std::filesystem::directory_iterator it(directory, ec);
  for (; !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    entries.push_back(*it);
  }
  if (ec) return std::unexpected("cannot list " + directory.string() + ": " + ec.message());
  return entries;
}

}  // namespace schakel
