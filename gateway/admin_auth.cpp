#include "gateway/admin_auth.hpp"

#include <sodium.h>

#include <array>
#include <fstream>

#include "crypto/encoding.hpp"
#include "crypto/key_files.hpp"

namespace schakel::gateway {
namespace {

constexpr std::size_t kTokenHex = 64;

Problem unauthorized(std::string detail) {
  return make_problem(ProblemKind::kUnauthorized, std::move(detail));
}

}  // namespace

std::expected<AdminAuth, std::string> AdminAuth::load_or_create(
    const std::filesystem::path& data_dir) {
  const auto file = token_file(data_dir);
  if (!std::filesystem::exists(file)) {
    std::array<std::uint8_t, kTokenHex / 2> bytes{};
    randombytes_buf(bytes.data(), bytes.size());
    if (auto ok = crypto::replace_owner_only_file(file, crypto::to_hex(bytes) + "\n"); !ok) {
      return std::unexpected(ok.error());
    }
  }
  if (auto ok = crypto::check_owner_only(file); !ok) return std::unexpected(ok.error());
  std::ifstream in(file);
  std::string token;
  if (!std::getline(in, token) || token.size() != kTokenHex ||
      !crypto::from_hex(token).has_value()) {
    return std::unexpected(file.string() + ": expected one line of 64 hex digits");
  }
  return AdminAuth(std::move(token));
}

std::optional<Problem> AdminAuth::check(const Request& request) const {
  if (request.header("Origin")) {
    return unauthorized("the admin listener does not answer requests from web pages");
  }
  const auto* authorization = request.header("Authorization");
  const std::string expected = "Bearer " + token_;
  if (!authorization || authorization->size() != expected.size() ||
      sodium_memcmp(authorization->data(), expected.data(), expected.size()) != 0) {
    return unauthorized("send Authorization: Bearer <the token in the data directory's admin-token>");
  }
  return std::nullopt;
}

}  // namespace schakel::gateway
