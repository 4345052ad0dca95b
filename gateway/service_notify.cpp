#include "gateway/service_notify.hpp"

#include <systemd/sd-daemon.h>

#include <cstring>
#include <string>

#include "common/log.hpp"

namespace schakel::gateway {
namespace {

void notify(std::string_view state, std::string_view status) {
  std::string message(state);
  message.append("\nSTATUS=").append(status);
  const int sent = sd_notify(0, message.c_str());
  if (sent < 0) log::warn("systemd.notify_failed", {{"reason", std::strerror(-sent)}});
}

}  // namespace

void notify_ready(std::string_view status) {
  notify("READY=1", status);
}

void notify_stopping(std::string_view status) {
  notify("STOPPING=1", status);
}

}  // namespace schakel::gateway
