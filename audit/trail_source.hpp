#pragma once
// The trail as its readers see it — `schakel audit verify`, `query`,
// `export`, `prune` and the console (verify.hpp, query.hpp): every frame
// (trail_frame.hpp), oldest first, wherever the trail is kept. LogTrail reads
// the embedded log's segment directory (log_store.hpp); PgTrail the
// PostgreSQL trail (pg_trail_store.hpp). A source reads only; the gateway
// may append meanwhile.
#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "audit/trail_frame.hpp"

namespace schakel::audit {

// Why the trail could not be read whole: bytes that are no frame (damage),
// or a trail that cannot be read at all.
struct TrailReadError {
  enum class Kind { kDamaged, kUnreadable };
  Kind kind;
  std::string message;
};

using FrameVisitor = std::function<bool(const FrameView&)>;

class TrailSource {
 public:
  virtual ~TrailSource() = default;
  // Hands every whole frame to `visit`, oldest first, until it returns false.
  // `torn_bytes`: bytes at the end that can be a write still under way or cut
  // short by a crash (the log only), not handed to `visit`.
  [[nodiscard]] virtual std::expected<void, TrailReadError> for_each_frame(
      const FrameVisitor& visit, std::uint64_t* torn_bytes = nullptr) const = 0;
  // The chain hash (hex) of the record with this sequence; nothing when the
  // trail does not hold it (pruned, or not yet).
  [[nodiscard]] virtual std::expected<std::optional<std::string>, std::string> record_hash_at(
      std::uint64_t sequence) const = 0;
  // The highest record sequence (0: none).
  [[nodiscard]] virtual std::expected<std::uint64_t, std::string> head_sequence() const = 0;
  // "the trail <where>", for messages.
  [[nodiscard]] virtual std::string name() const = 0;
};

// The embedded log's directory of segments (gateway::trail_directory).
class LogTrail final : public TrailSource {
 public:
  explicit LogTrail(std::filesystem::path directory) : directory_(std::move(directory)) {}
  [[nodiscard]] std::expected<void, TrailReadError> for_each_frame(
      const FrameVisitor& visit, std::uint64_t* torn_bytes = nullptr) const override;
  [[nodiscard]] std::expected<std::optional<std::string>, std::string> record_hash_at(
      std::uint64_t sequence) const override;
  [[nodiscard]] std::expected<std::uint64_t, std::string> head_sequence() const override;
  [[nodiscard]] std::string name() const override { return "the trail " + directory_.string(); }

 private:
  std::filesystem::path directory_;
};

}  // namespace schakel::audit
