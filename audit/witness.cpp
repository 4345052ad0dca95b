#include "audit/witness.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "common/strict_json.hpp"

namespace schakel::audit {

std::string witness_line(const Checkpoint& checkpoint) {
  nlohmann::json line = nlohmann::json::object();
  line["sequence"] = checkpoint.sequence;
  line["head_hash"] = checkpoint.head_hash;
  line["time"] = checkpoint.time;
  line["signature"] = checkpoint.signature;
  if (checkpoint.prune_cut) line["prune_cut"] = true;
  return line.dump();
}

std::expected<Checkpoint, std::string> checkpoint_of_line(std::string_view text) {
  auto parsed = parse_strict_json(text, 2);
  if (!parsed) return std::unexpected(parsed.error().describe());
  const auto& line = *parsed;
  const auto text_member = [&](const char* key) {
    const auto it = line.find(key);
    return it != line.end() && it->is_string();
  };
  const bool cut = line.is_object() && line.contains("prune_cut");
  if (!line.is_object() || line.size() != (cut ? 5u : 4u) || !line.contains("sequence") ||
      !line["sequence"].is_number_unsigned() || !text_member("head_hash") || !text_member("time") ||
      !text_member("signature") || (cut && line["prune_cut"] != true)) {
    return std::unexpected(std::string(
        "expected exactly sequence, head_hash, time and signature (and prune_cut: true)"));
  }
  return Checkpoint{line["sequence"].get<std::uint64_t>(), line["head_hash"].get<std::string>(),
                    line["time"].get<std::string>(), line["signature"].get<std::string>(), cut};
}

std::expected<std::unique_ptr<WitnessFile>, std::string> WitnessFile::open(
    const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return std::unexpected("cannot open the audit witness " + path.string() + ": " +
                           std::strerror(errno));
  }
  return std::unique_ptr<WitnessFile>(new WitnessFile(fd, path));
}

WitnessFile::~WitnessFile() {
  ::close(fd_);
}

// A line is whole or absent: a short write (a full disk) is cut off again,
// so that the lines appended later still read.
std::expected<void, std::string> WitnessFile::publish(const Checkpoint& checkpoint) {
  const std::string line = witness_line(checkpoint) + "\n";
  const off_t before = ::lseek(fd_, 0, SEEK_END);
  errno = 0;
  const auto written = ::write(fd_, line.data(), line.size());
  if (written == static_cast<ssize_t>(line.size()) && ::fdatasync(fd_) == 0) return {};
  const std::string reason = errno != 0 ? std::strerror(errno) : "the disk took only part of it";
  if (before >= 0) (void)::ftruncate(fd_, before);
  return std::unexpected("cannot append to the audit witness " + path_.string() + ": " + reason);
}

std::expected<std::vector<Checkpoint>, std::string> read_witness(
    const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return std::unexpected("cannot read the audit witness " + path.string());
  std::vector<Checkpoint> checkpoints;
  std::string text;
  for (std::size_t number = 1; std::getline(in, text); ++number) {
    auto checkpoint = checkpoint_of_line(text);
    // A last line without its newline was torn by a crash mid-write: not witnessed.
    if (!checkpoint && in.eof()) break;
    if (!checkpoint) {
      return std::unexpected(path.string() + ":" + std::to_string(number) +
                             ": not a witnessed checkpoint: " + checkpoint.error());
    }
    checkpoints.push_back(std::move(*checkpoint));
  }
  return checkpoints;
}

}  // namespace schakel::audit
