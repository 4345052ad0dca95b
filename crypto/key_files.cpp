#include "crypto/key_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

#include "crypto/encoding.hpp"

namespace schakel::crypto {
namespace {

std::string errno_text() {
  return std::strerror(errno);
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

bool write_all(int fd, std::span<const std::uint8_t> bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const auto written = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (written <= 0) return false;
    done += static_cast<std::size_t>(written);
  }
  return ::fsync(fd) == 0;
}

std::expected<void, std::string> owner_only(const std::filesystem::path& path, mode_t mode) {
  if ((mode & 077) == 0) return {};
  return std::unexpected("key file " + path.string() +
                         " is readable by group or others; chmod 600 it");
}

}  // namespace

std::expected<void, std::string> check_owner_only(const std::filesystem::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    return std::unexpected("cannot stat " + path.string() + ": " + errno_text());
  }
  return owner_only(path, info.st_mode);
}

std::expected<Secret, std::string> read_key_file(const std::filesystem::path& path,
                                                 std::size_t size) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    return std::unexpected("cannot open key file " + path.string() + ": " + errno_text());
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return std::unexpected("cannot stat " + path.string());
  if (auto ok = owner_only(path, info.st_mode); !ok) return std::unexpected(ok.error());
  if (info.st_size != static_cast<off_t>(size)) {
    return std::unexpected("key file " + path.string() + " has " + std::to_string(info.st_size) +
                           " bytes, expected " + std::to_string(size));
  }
  Secret key(size);
  if (::read(fd.get(), key.bytes().data(), size) != static_cast<ssize_t>(size)) {
    return std::unexpected("cannot read key file " + path.string());
  }
  return key;
}

std::expected<void, std::string> write_key_file(const std::filesystem::path& path,
                                                std::span<const std::uint8_t> bytes) {
  // Whole or not at all, never replacing: written and synced under a name of
  // its own, then linked to `path` (link(2) fails when `path` exists), so a
  // reader — another gateway sharing the key directory — never sees it half written.
  std::array<std::uint8_t, 8> random{};
  randombytes_buf(random.data(), random.size());
  const auto temporary = path.string() + ".tmp-" + to_hex(random);
  {
    Fd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (fd.get() < 0) return std::unexpected("cannot create " + temporary + ": " + errno_text());
    if (!write_all(fd.get(), bytes)) {
      ::unlink(temporary.c_str());
      return std::unexpected("cannot write " + temporary);
    }
  }
  const int linked = ::link(temporary.c_str(), path.c_str());
  const std::string why = linked == 0 ? std::string() : errno_text();
  ::unlink(temporary.c_str());
  if (linked != 0) return std::unexpected("cannot create " + path.string() + ": " + why);
  return {};
}

std::expected<void, std::string> replace_file(const std::filesystem::path& path,
                                              const std::string& text, mode_t mode) {
  // Under a fresh name of its own (O_EXCL: never through a link planted there),
  // written and synced, then renamed over `path`; removed again on any failure.
  std::array<std::uint8_t, 8> random{};
  randombytes_buf(random.data(), random.size());
  const auto temporary = path.string() + ".tmp-" + to_hex(random);
  {
    Fd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
    if (fd.get() < 0) return std::unexpected("cannot create " + temporary + ": " + errno_text());
    const auto* data = reinterpret_cast<const std::uint8_t*>(text.data());
    if (!write_all(fd.get(), {data, text.size()}) || ::fsync(fd.get()) != 0) {
      const std::string why = errno_text();
      ::unlink(temporary.c_str());
      return std::unexpected("cannot write " + temporary + ": " + why);
    }
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string why = errno_text();
    ::unlink(temporary.c_str());
    return std::unexpected("cannot replace " + path.string() + ": " + why);
  }
  return {};
}

std::expected<void, std::string> replace_owner_only_file(const std::filesystem::path& path,
                                                         const std::string& text) {
  return replace_file(path, text, 0600);
}

std::expected<void, std::string> shred_file(const std::filesystem::path& path) {
  {
    Fd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (fd.get() < 0) return std::unexpected("cannot open " + path.string() + ": " + errno_text());
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) return std::unexpected("cannot stat " + path.string());
    const std::vector<std::uint8_t> zeros(static_cast<std::size_t>(info.st_size), 0);
    if (!write_all(fd.get(), zeros)) return std::unexpected("cannot overwrite " + path.string());
    if (::fsync(fd.get()) != 0) return std::unexpected("cannot sync " + path.string());
  }
  if (::unlink(path.c_str()) != 0) {
    return std::unexpected("cannot remove " + path.string() + ": " + errno_text());
  }
  // The unlink durable too: a crash must not bring the (zeroed) name back.
  Fd dir(::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0 || ::fsync(dir.get()) != 0) {
    return std::unexpected("cannot sync " + path.parent_path().string());
  }
  return {};
}

}  // namespace schakel::crypto
