#pragma once
// Shared by the fuzz targets: a property check that stops the run with a
// message (libFuzzer then saves the input as a crash file), a UTF-8 check,
// the input as text, and a scratch directory on tmpfs when there is one.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

namespace schakel::fuzz {

// A property of the code under test does not hold: report it and abort.
[[noreturn]] inline void violated(const char* what) {
  std::fprintf(stderr, "fuzz property violated: %s\n", what);
  std::abort();
}

inline void require(bool holds, const char* what) {
  if (!holds) violated(what);
}

inline std::string_view text_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, at most U+10FFFF).
inline bool is_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    unsigned min = 0;
    unsigned code = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0xc2 && c <= 0xdf) {
      length = 2, min = 0x80, code = c & 0x1fu;
    } else if (c >= 0xe0 && c <= 0xef) {
      length = 3, min = 0x800, code = c & 0x0fu;
    } else if (c >= 0xf0 && c <= 0xf4) {
      length = 4, min = 0x10000, code = c & 0x07u;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      code = (code << 6) | (next & 0x3fu);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return false;
    i += length;
  }
  return true;
}

// A fresh directory for one fuzz process, removed at exit: under
// $SCHAKEL_FUZZ_SCRATCH (scripts/fuzz.sh's work dir, cleaned even after a
// crash), else on tmpfs when there is one, so files written per input cost
// no disk I/O.
class ScratchDir {
 public:
  ScratchDir() {
    const char* chosen = std::getenv("SCHAKEL_FUZZ_SCRATCH");
    const std::filesystem::path base =
        chosen && *chosen                        ? std::filesystem::path(chosen)
        : std::filesystem::is_directory("/dev/shm") ? std::filesystem::path("/dev/shm")
                                                    : std::filesystem::temp_directory_path();
    std::string pattern = (base / "schakel-fuzz-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) violated("cannot create a scratch directory");
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace schakel::fuzz
