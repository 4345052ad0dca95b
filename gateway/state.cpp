#include "gateway/state.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace schakel::gateway {

std::expected<void, std::string> ensure_data_dir(const Settings& settings) {
  std::error_code ec;
  std::filesystem::create_directories(settings.data_dir, ec);
  if (ec) {
    return std::unexpected("cannot create data directory " + settings.data_dir.string() + ": " +
                           ec.message());
  }
  if (::chmod(settings.data_dir.c_str(), 0700) != 0) {
    return std::unexpected("cannot make data directory " + settings.data_dir.string() +
                           " owner-only: " + std::strerror(errno));
  }
  return {};
}

std::expected<std::unique_ptr<audit::LogStore>, std::string> open_trail(const Settings& settings) {
  if (auto made = ensure_data_dir(settings); !made) return std::unexpected(made.error());
  return audit::LogStore::open({.directory = trail_directory(settings),
                                .segment_bytes = settings.audit.segment_megabytes << 20,
                                .skip_fsync = settings.audit.unsafe_skip_fsync,
                                .lock_timeout = settings.timeouts.audit_busy});
}

}  // namespace schakel::gateway
