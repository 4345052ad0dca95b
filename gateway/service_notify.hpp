#pragma once
// Tells systemd (Type=notify, packaging/schakel.service) where the gateway
// stands, through libsystemd's sd_notify: READY=1 once both listeners accept
// and the trail is open, STOPPING=1 when a drain begins, and a STATUS line a
// person reads in `systemctl status`. Without $NOTIFY_SOCKET (not started by
// systemd) each call does nothing; a failure to notify is logged, never fatal.
#include <string_view>

namespace schakel::gateway {

void notify_ready(std::string_view status);
void notify_stopping(std::string_view status);

}  // namespace schakel::gateway
