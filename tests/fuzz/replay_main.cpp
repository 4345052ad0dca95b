// A main() for the fuzz targets in builds without libFuzzer (g++, the normal
// suite): runs LLVMFuzzerTestOneInput once on every file named on the command
// line, or on every file in a named directory (a seed corpus), in name order.
// A property violation aborts as under libFuzzer; exit 0 means every input
// passed. Prints "fuzz replay: N inputs from PATH" per argument.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE-OR-CORPUS-DIR...\n", argv[0]);
    return 2;
  }
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path path(argv[i]);
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(path)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
    } else if (std::filesystem::is_regular_file(path)) {
      files.push_back(path);
    } else {
      std::fprintf(stderr, "fuzz replay: no such file or directory: %s\n", argv[i]);
      return 2;
    }
    if (files.empty()) {
      std::fprintf(stderr, "fuzz replay: no inputs in %s\n", argv[i]);
      return 2;
    }
    std::ranges::sort(files);
    for (const auto& file : files) {
      const auto bytes = read_bytes(file);
      LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    }
    std::printf("fuzz replay: %zu inputs from %s\n", files.size(), argv[i]);
  }
  return 0;
}
