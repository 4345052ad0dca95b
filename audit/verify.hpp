#pragma once
// Offline check of an audit database's hash chain: every record's sequence
// follows the previous one, its prev_hash is the previous record's hash, and
// its hash is the SHA-256 of its stored body. Reads only; needs no keys.
#include <cstdint>
#include <expected>
#include <filesystem>
#include <string>

namespace schakel::audit {

struct VerifyReport {
  std::uint64_t records = 0;
  std::uint64_t first_bad_sequence = 0;  // 0 when intact
  std::string problem;                   // what is wrong at first_bad_sequence
  std::string head_hash;

  [[nodiscard]] bool intact() const { return first_bad_sequence == 0; }
};

[[nodiscard]] std::expected<VerifyReport, std::string> verify_chain(
    const std::filesystem::path& database);

}  // namespace schakel::audit
