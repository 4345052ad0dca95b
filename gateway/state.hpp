#pragma once
// The gateway's state under settings.data_dir, opened the same way by every
// process that touches it (`schakel serve`, `keys`, `audit prune`): the
// directory created owner-only (0700), and the trail (audit/log_store.hpp)
// with the settings' segment size, lock timeout (timeouts_ms.audit_busy) and
// durability.
#include <expected>
#include <memory>
#include <string>

#include "audit/log_store.hpp"
#include "gateway/settings.hpp"

namespace schakel::gateway {

// Creates data_dir when missing and makes it 0700.
[[nodiscard]] std::expected<void, std::string> ensure_data_dir(const Settings& settings);
// ensure_data_dir, then the trail in it.
[[nodiscard]] std::expected<std::unique_ptr<audit::LogStore>, std::string> open_trail(
    const Settings& settings);

}  // namespace schakel::gateway
