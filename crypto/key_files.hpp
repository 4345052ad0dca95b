#pragma once
// Reading and writing one key file of the key directory. Every key file is
// owner-only: reading refuses a group- or world-accessible file and a file
// of the wrong size, naming the file; writing never replaces an existing
// file and syncs before it returns.
#include <sys/types.h>

#include <expected>
#include <filesystem>
#include <span>
#include <string>

#include "crypto/secret.hpp"

namespace schakel::crypto {

[[nodiscard]] std::expected<Secret, std::string> read_key_file(const std::filesystem::path& path,
                                                               std::size_t size);
[[nodiscard]] std::expected<void, std::string> write_key_file(const std::filesystem::path& path,
                                                              std::span<const std::uint8_t> bytes);
// Replaces `path` atomically (a temporary file of its own, fsync, rename)
// with `text`, the new file made with `mode` (under the umask); on failure
// nothing is left behind and the error names the cause.
[[nodiscard]] std::expected<void, std::string> replace_file(const std::filesystem::path& path,
                                                            const std::string& text, mode_t mode);
// replace_file with an owner-only file (0600).
[[nodiscard]] std::expected<void, std::string> replace_owner_only_file(
    const std::filesystem::path& path, const std::string& text);
// Overwrites the file with zeros, syncs it, unlinks it and syncs the directory.
[[nodiscard]] std::expected<void, std::string> shred_file(const std::filesystem::path& path);
// Fails when the file is accessible to group or others.
[[nodiscard]] std::expected<void, std::string> check_owner_only(const std::filesystem::path& path);

}  // namespace schakel::crypto
