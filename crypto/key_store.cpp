#include "crypto/key_store.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "crypto/encoding.hpp"

namespace schakel::crypto {
namespace {

constexpr const char* kMasterFile = "master.key";

std::string errno_text() {
  return std::strerror(errno);
}

}  // namespace

std::expected<void, std::string> KeyStore::init(const std::filesystem::path& dir) {
  ensure_sodium();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return std::unexpected("cannot create key directory " + dir.string() + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
  const auto path = dir / kMasterFile;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return std::unexpected("cannot create " + path.string() + ": " + errno_text());
  Secret key(kMasterKeyBytes);
  randombytes_buf(key.bytes().data(), key.bytes().size());
  const auto written = ::write(fd, key.bytes().data(), key.bytes().size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (written != static_cast<ssize_t>(kMasterKeyBytes) || !synced) {
    return std::unexpected("cannot write " + path.string());
  }
  return {};
}

std::expected<KeyStore, std::string> KeyStore::load(const std::filesystem::path& dir) {
  ensure_sodium();
  const auto path = dir / kMasterFile;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return std::unexpected("cannot open key file " + path.string() + ": " + errno_text() +
                           " (create keys with `schakel keys init --keys " + dir.string() + "`)");
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || (info.st_mode & 077) != 0) {
    ::close(fd);
    return std::unexpected("key file " + path.string() +
                           " is readable by group or others; chmod 600 it");
  }
  if (info.st_size != static_cast<off_t>(kMasterKeyBytes)) {
    ::close(fd);
    return std::unexpected("key file " + path.string() + " has " + std::to_string(info.st_size) +
                           " bytes, expected " + std::to_string(kMasterKeyBytes));
  }
  Secret key(kMasterKeyBytes);
  const auto read = ::read(fd, key.bytes().data(), key.bytes().size());
  ::close(fd);
  if (read != static_cast<ssize_t>(kMasterKeyBytes)) {
    return std::unexpected("cannot read key file " + path.string());
  }
  return KeyStore(std::move(key));
}

}  // namespace schakel::crypto
