#pragma once
// A witness of the audit chain outside the gateway's data: every signed
// checkpoint is appended, as one JSON line, to a file that should live on
// another volume (or be shipped elsewhere by the operator). Deleting the
// trail's tail together with its checkpoints from the database is then no
// longer undetectable: `schakel audit verify --witness FILE --public-key K`
// proves the trail at least as long as the last witnessed checkpoint, and
// that the record there has the witnessed hash. A line holds sequence, head
// hash, time and signature — nothing personal. Appends are synced
// (fdatasync) before publish returns; a line the disk took only part of is
// cut off again. Reading is strict: a line that is not a checkpoint is an
// error naming its line number — except a last line without its newline,
// torn by a crash, which is skipped.
#include <expected>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "audit/checkpoint.hpp"

namespace schakel::audit {

class WitnessFile {
 public:
  // Opens (creating it 0644 when missing) the file to append to.
  [[nodiscard]] static std::expected<std::unique_ptr<WitnessFile>, std::string> open(
      const std::filesystem::path& path);
  ~WitnessFile();
  WitnessFile(const WitnessFile&) = delete;
  WitnessFile& operator=(const WitnessFile&) = delete;

  // Appends the checkpoint's line and syncs it. Not thread-safe: one writer.
  [[nodiscard]] std::expected<void, std::string> publish(const Checkpoint& checkpoint);

 private:
  WitnessFile(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::filesystem::path path_;
};

// One checkpoint as a JSON object on one line (no newline), and back; the
// trail log stores its checkpoints in the same form.
[[nodiscard]] std::string witness_line(const Checkpoint& checkpoint);
[[nodiscard]] std::expected<Checkpoint, std::string> checkpoint_of_line(std::string_view text);

// Every checkpoint of a witness file, in the order written.
[[nodiscard]] std::expected<std::vector<Checkpoint>, std::string> read_witness(
    const std::filesystem::path& path);

}  // namespace schakel::audit
