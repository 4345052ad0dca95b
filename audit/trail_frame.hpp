#pragma once
// The framing of the append-only trail log (log_store.hpp): each record and
// each signed checkpoint is one frame,
//   magic "SKL1" | type (1 byte) | 3 zero bytes | payload length (u32 LE) |
//   sequence (u64 LE) | chain hash (32 bytes: the record's, or the head a checkpoint signs) |
//   checksum (BLAKE2b-128 of everything before it and of the payload) | payload
// where a record's payload is its canonical body and a checkpoint's is its
// witness line (sequence, head_hash, time, signature as JSON). The checksum
// tells a torn or damaged frame from a whole one without parsing the payload;
// the chain hash (SHA-256 of prev_hash and body, as chain_hash) lets a reader
// find the head without recomputing it — verify recomputes it all the same.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace schakel::audit {

enum class FrameType : std::uint8_t { kRecord = 1, kCheckpoint = 2 };

using ChainHash = std::array<std::uint8_t, 32>;

inline constexpr std::size_t kFrameHeaderBytes = 68;
inline constexpr std::size_t kMaxFramePayload = 16 * 1024 * 1024;

struct FrameView {
  FrameType type;
  std::uint64_t sequence;
  ChainHash hash;
  std::string_view payload;
  std::size_t size;  // header and payload: where the next frame starts
};

// Appends one frame to `out`.
void append_frame(std::string& out, FrameType type, std::uint64_t sequence, const ChainHash& hash,
                  std::string_view payload);

// The frame at the start of `bytes`, or nothing when it is torn (too short),
// damaged (checksum, magic, type) or absurd (payload beyond the maximum).
[[nodiscard]] std::optional<FrameView> read_frame(std::string_view bytes);

// Whether `bytes` — what follows the newest segment's last whole frame — can
// be a write torn by a crash, or one still under way: the start of a frame
// cut short (or zeros a file system allocated), with no whole frame after
// it. Anything else is damage: a crash can only lose the end of a write, so
// a frame present at its full length, without zeros, whose checksum fails
// was changed, not torn.
[[nodiscard]] bool torn_write(std::string_view bytes);

}  // namespace schakel::audit
