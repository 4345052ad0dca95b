#pragma once
// Rewrites an audit trail log (audit/log_store.hpp) as an attacker with
// write access to the data directory could: whole frames, re-framed with
// valid checksums, so that only the chain itself can show the change.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "audit/trail_frame.hpp"

namespace schakel::testing {

struct EditableFrame {
  audit::FrameType type;
  std::uint64_t sequence;
  audit::ChainHash hash;
  std::string payload;
};

struct EditableSegment {
  std::filesystem::path path;
  std::vector<EditableFrame> frames;
};

// Every segment with its whole frames (torn bytes are dropped).
[[nodiscard]] std::vector<EditableSegment> read_segments(const std::filesystem::path& trail);
// Writes the segments back (a segment left without frames is still written, empty).
void write_segments(const std::vector<EditableSegment>& segments);
// Reads, lets `edit` change every segment's frames, writes back.
void edit_frames(const std::filesystem::path& trail,
                 const std::function<void(std::vector<EditableFrame>&)>& edit);
// The frame's 32-byte hash as the hex the chain uses, and back.
[[nodiscard]] audit::ChainHash hash_of_hex(const std::string& hex);

}  // namespace schakel::testing
