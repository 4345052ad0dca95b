#include "gateway/admin_auth.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>
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
  std::error_code ec;
  const bool exists = std::filesystem::exists(file, ec);
  if (ec) return std::unexpected("cannot check " + file.string() + ": " + ec.message());
  if (!exists) {
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
  // The scheme is case-insensitive (RFC 9110 11.1); the token is compared in constant time.
  constexpr std::string_view kScheme = "bearer ";
  const auto* authorization = request.header("Authorization");
  const bool scheme_ok =
      authorization && authorization->size() == kScheme.size() + token_.size() &&
      std::equal(kScheme.begin(), kScheme.end(), authorization->begin(), [](char want, char got) {
        return want == static_cast<char>(std::tolower(static_cast<unsigned char>(got)));
      });
  if (!scheme_ok ||
      sodium_memcmp(authorization->data() + kScheme.size(), token_.data(), token_.size()) != 0) {
    return unauthorized(
        "send Authorization: Bearer <the token in the data directory's admin-token>");
  }
  return std::nullopt;
}

}  // namespace schakel::gateway
