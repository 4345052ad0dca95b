#include "audit/trail_frame.hpp"

#include <sodium.h>

#include <cstring>

#include "crypto/encoding.hpp"

namespace schakel::audit {
namespace {

constexpr std::array<char, 4> kMagic{'S', 'K', 'L', '1'};
constexpr std::size_t kChecksumAt = 52;
constexpr std::size_t kChecksumBytes = 16;

template <typename T>
void put(std::string& out, T value) {
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  }
}

template <typename T>
T get(std::string_view bytes, std::size_t at) {
  T value = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    value |= static_cast<T>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  }
  return value;
}

std::array<unsigned char, kChecksumBytes> checksum(std::string_view head,
                                                   std::string_view payload) {
  crypto::ensure_sodium();
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, kChecksumBytes);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(head.data()),
                            head.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(payload.data()),
                            payload.size());
  std::array<unsigned char, kChecksumBytes> out{};
  crypto_generichash_final(&state, out.data(), out.size());
  return out;
}

}  // namespace

void append_frame(std::string& out, FrameType type, std::uint64_t sequence, const ChainHash& hash,
                  std::string_view payload) {
  const std::size_t start = out.size();
  out.append(kMagic.data(), kMagic.size());
  out.push_back(static_cast<char>(type));
  out.append(3, '\0');
  put(out, static_cast<std::uint32_t>(payload.size()));
  put(out, sequence);
  out.append(reinterpret_cast<const char*>(hash.data()), hash.size());
  const auto sum = checksum(std::string_view(out).substr(start, kChecksumAt), payload);
  out.append(reinterpret_cast<const char*>(sum.data()), sum.size());
  out.append(payload);
}

std::optional<FrameView> read_frame(std::string_view bytes) {
  if (bytes.size() < kFrameHeaderBytes) return std::nullopt;
  if (std::memcmp(bytes.data(), kMagic.data(), kMagic.size()) != 0) return std::nullopt;
  const auto type = static_cast<unsigned char>(bytes[4]);
  if (type != static_cast<unsigned char>(FrameType::kRecord) &&
      type != static_cast<unsigned char>(FrameType::kCheckpoint)) {
    return std::nullopt;
  }
  const auto length = get<std::uint32_t>(bytes, 8);
  if (length > kMaxFramePayload || bytes.size() - kFrameHeaderBytes < length) return std::nullopt;
  const auto payload = bytes.substr(kFrameHeaderBytes, length);
  const auto sum = checksum(bytes.substr(0, kChecksumAt), payload);
  if (std::memcmp(sum.data(), bytes.data() + kChecksumAt, kChecksumBytes) != 0) return std::nullopt;
  FrameView frame{static_cast<FrameType>(type),
                  get<std::uint64_t>(bytes, 12),
                  {},
                  payload,
                  kFrameHeaderBytes + length};
  std::memcpy(frame.hash.data(), bytes.data() + 20, frame.hash.size());
  return frame;
}

bool torn_write(std::string_view bytes) {
  const std::string_view magic(kMagic.data(), kMagic.size());
  const bool frame_start =
      bytes.size() < magic.size() ? magic.starts_with(bytes) : bytes.starts_with(magic);
  const bool zeros = bytes.find_first_not_of('\0') == std::string_view::npos;
  if (!frame_start && !zeros) return false;
  // A frame whose whole length is there but whose checksum fails was written
  // whole and changed since — unless the file system left blocks of it
  // unwritten (zeros): a payload is JSON, which never holds a NUL byte.
  if (frame_start && bytes.size() >= kFrameHeaderBytes) {
    const auto length = get<std::uint32_t>(bytes, 8);
    if (length <= kMaxFramePayload && bytes.size() - kFrameHeaderBytes >= length &&
        bytes.substr(kFrameHeaderBytes, length).find('\0') == std::string_view::npos) {
      return false;
    }
  }
  for (auto at = bytes.find(magic, 1); at != std::string_view::npos;
       at = bytes.find(magic, at + 1)) {
    if (read_frame(bytes.substr(at))) return false;  // whole frames after it: damage
  }
  return true;
}

}  // namespace schakel::audit
