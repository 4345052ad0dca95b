#pragma once
// Where the tests find the project's files and the test PKI (made by the
// dev_pki CTest fixture with --test-identities).
#include <filesystem>
#include <string>

namespace schakel::testing {

inline std::filesystem::path source_dir() {
  return SCHAKEL_SOURCE_DIR;
}
inline std::filesystem::path test_pki() {
  return SCHAKEL_TEST_PKI;
}
inline std::filesystem::path guideline_file() {
  return source_dir() / "config/guideline.json";
}
inline std::filesystem::path example_region_file() {
  return source_dir() / "config/example-region/region.json";
}
inline std::filesystem::path example_message(const std::string& name) {
  return source_dir() / "config/example-region/messages" / name;
}

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& text);

// A fresh directory under /tmp, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace schakel::testing
