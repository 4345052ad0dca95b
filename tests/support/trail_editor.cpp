#include "tests/support/trail_editor.hpp"

#include <fstream>
#include <stdexcept>

#include "audit/log_store.hpp"
#include "crypto/encoding.hpp"
#include "tests/support/paths.hpp"

namespace schakel::testing {

std::vector<EditableSegment> read_segments(const std::filesystem::path& trail) {
  auto paths = audit::trail_segments(trail);
  if (!paths) throw std::runtime_error(paths.error());
  std::vector<EditableSegment> segments;
  for (const auto& path : *paths) {
    const std::string all = read_file(path);
    std::string_view rest(all);
    EditableSegment segment{path, {}};
    while (auto frame = audit::read_frame(rest)) {
      segment.frames.push_back(
          {frame->type, frame->sequence, frame->hash, std::string(frame->payload)});
      rest.remove_prefix(frame->size);
    }
    segments.push_back(std::move(segment));
  }
  return segments;
}

void write_segments(const std::vector<EditableSegment>& segments) {
  for (const auto& segment : segments) {
    std::string bytes;
    for (const auto& frame : segment.frames) {
      audit::append_frame(bytes, frame.type, frame.sequence, frame.hash, frame.payload);
    }
    std::ofstream out(segment.path, std::ios::binary | std::ios::trunc);
    out << bytes;
    if (!out) throw std::runtime_error("cannot write " + segment.path.string());
  }
}

void edit_frames(const std::filesystem::path& trail,
                 const std::function<void(std::vector<EditableFrame>&)>& edit) {
  auto segments = read_segments(trail);
  for (auto& segment : segments) edit(segment.frames);
  write_segments(segments);
}

audit::ChainHash hash_of_hex(const std::string& hex) {
  audit::ChainHash hash{};
  auto bytes = crypto::from_hex(hex);
  if (!bytes || bytes->size() != hash.size()) throw std::runtime_error("not a chain hash: " + hex);
  std::copy(bytes->begin(), bytes->end(), hash.begin());
  return hash;
}

}  // namespace schakel::testing
