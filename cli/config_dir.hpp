#pragma once
// The offline commands' view of a gateway's configuration directory: its
// settings, and its policy loaded and validated as `serve` would.
#include <expected>
#include <memory>
#include <string>

#include "gateway/settings.hpp"
#include "policy/model.hpp"

namespace schakel::cli {

[[nodiscard]] std::expected<gateway::Settings, std::string> settings_of(const std::string& dir);
[[nodiscard]] std::expected<std::shared_ptr<const policy::Policy>, std::string> policy_of(
    const gateway::Settings& settings);

}  // namespace schakel::cli
