#pragma once
// The admin listener's credential for what changes state (POST /admin/reload):
// a random bearer token in `<data_dir>/admin-token`, owner-only, made at the
// first start and kept after. Reading endpoints (/healthz, /readyz, /metrics)
// need none. A request that carries an Origin header is refused whatever it
// carries, so no web page can make a browser trigger a reload; the token is
// compared in constant time.
#include <expected>
#include <filesystem>
#include <optional>
#include <string>

#include "common/problem.hpp"
#include "gateway/http_types.hpp"

namespace schakel::gateway {

class AdminAuth {
 public:
  [[nodiscard]] static std::expected<AdminAuth, std::string> load_or_create(
      const std::filesystem::path& data_dir);
  [[nodiscard]] static std::filesystem::path token_file(const std::filesystem::path& data_dir) {
    return data_dir / "admin-token";
  }

  // Nothing when the request may change state; the refusal otherwise.
  [[nodiscard]] std::optional<Problem> check(const Request& request) const;

 private:
  explicit AdminAuth(std::string token) : token_(std::move(token)) {}
  std::string token_;  // 64 hex
};

}  // namespace schakel::gateway
