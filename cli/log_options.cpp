#include "cli/log_options.hpp"

#include <optional>

#include "common/log.hpp"

namespace schakel::cli {
namespace {

std::optional<log::Level> level_named(const std::string& name) {
  if (name == "debug") return log::Level::kDebug;
  if (name == "info") return log::Level::kInfo;
  if (name == "warn") return log::Level::kWarn;
  if (name == "error") return log::Level::kError;
  return std::nullopt;
}

}  // namespace

std::expected<void, std::string> apply_log_options(const Args& args) {
  if (const auto name = args.option("log-level")) {
    const auto level = level_named(*name);
    if (!level) return std::unexpected("--log-level must be debug, info, warn or error");
    log::set_level(*level);
  }
  if (const auto format = args.option("log-format")) {
    if (*format != "text" && *format != "json") {
      return std::unexpected("--log-format must be text or json");
    }
    log::set_format(*format == "json" ? log::Format::kJson : log::Format::kText);
  }
  if (const auto file = args.option("log-file")) {
    if (auto opened = log::open_file(*file); !opened) return std::unexpected(opened.error());
  }
  return {};
}

}  // namespace schakel::cli
