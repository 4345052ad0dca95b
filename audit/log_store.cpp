#include "audit/log_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>

#include "audit/trail_frame.hpp"
#include "audit/witness.hpp"
#include "common/directory.hpp"
#include "common/log.hpp"
#include "crypto/encoding.hpp"

namespace schakel::audit {
namespace {

constexpr std::string_view kPrefix = "trail-";
constexpr std::string_view kSuffix = ".log";

std::string system_error(const std::string& what, const std::filesystem::path& path) {
  return what + " " + path.string() + ": " + std::strerror(errno);
}

std::filesystem::path segment_name(const std::filesystem::path& directory,
                                   std::uint64_t first_sequence) {
  char name[48];
  std::snprintf(name, sizeof name, "trail-%020llu.log",
                static_cast<unsigned long long>(first_sequence));
  return directory / name;
}

ChainHash raw_hash(const std::string& hex) {
  ChainHash raw{};
  if (auto bytes = crypto::from_hex(hex); bytes && bytes->size() == raw.size()) {
    std::copy(bytes->begin(), bytes->end(), raw.begin());
  }
  return raw;
}

std::expected<std::string, std::string> read_from(int fd, std::uint64_t offset,
                                                  const std::filesystem::path& path) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) return std::unexpected(system_error("cannot stat", path));
  const auto size = static_cast<std::uint64_t>(info.st_size);
  std::string bytes(size > offset ? size - offset : 0, '\0');
  std::size_t done = 0;
  while (done < bytes.size()) {
    const auto got =
        ::pread(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
    if (got <= 0) return std::unexpected(system_error("cannot read", path));
    done += static_cast<std::size_t>(got);
  }
  return bytes;
}

// A whole segment's bytes (O_NONBLOCK: a FIFO named like one cannot hang a reader).
std::expected<std::string, std::string> read_segment(const std::filesystem::path& segment) {
  const int fd = ::open(segment.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return std::unexpected(system_error("cannot open", segment));
  auto bytes = read_from(fd, 0, segment);
  ::close(fd);
  return bytes;
}

bool sync_directory(const std::filesystem::path& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  return synced;
}

}  // namespace

std::expected<std::vector<std::filesystem::path>, std::string> trail_segments(
    const std::filesystem::path& directory) {
  auto entries = list_directory(directory);
  if (!entries) return std::unexpected("cannot list the trail: " + entries.error());
  std::vector<std::filesystem::path> segments;
  for (const auto& entry : *entries) {
    const auto name = entry.path().filename().string();
    if (!name.starts_with(kPrefix) || !name.ends_with(kSuffix)) continue;  // LOCK, an editor's file
    const auto digits = std::string_view(name).substr(
        kPrefix.size(), name.size() - kPrefix.size() - std::min(name.size(), kSuffix.size()));
    std::error_code type_error;
    if (name.size() != kPrefix.size() + 20 + kSuffix.size() ||
        !std::ranges::all_of(digits, [](char c) { return c >= '0' && c <= '9'; })) {
      return std::unexpected("the trail " + directory.string() + " holds " + name +
                             ", which is no segment name (trail-<20 digits>.log)");
    }
    if (!std::filesystem::is_regular_file(entry.symlink_status(type_error)) || type_error) {
      return std::unexpected("the trail segment " + entry.path().string() +
                             " is not a regular file");
    }
    segments.push_back(entry.path());
  }
  std::ranges::sort(segments);
  return segments;
}

std::uint64_t segment_first_sequence(const std::filesystem::path& segment) {
  const auto name = segment.filename().string();
  return std::strtoull(name.c_str() + kPrefix.size(), nullptr, 10);
}

std::expected<void, TrailReadError> for_each_frame(
    const std::filesystem::path& directory, const std::function<bool(const FrameView&)>& visit,
    std::uint64_t* torn_bytes) {
  const auto unreadable = [](std::string message) {
    return std::unexpected(TrailReadError{TrailReadError::Kind::kUnreadable, std::move(message)});
  };
  auto segments = trail_segments(directory);
  if (!segments) return unreadable(segments.error());
  for (std::size_t i = 0; i < segments->size(); ++i) {
    const auto& path = (*segments)[i];
    auto bytes = read_segment(path);
    if (!bytes) return unreadable(bytes.error());
    std::string_view rest(*bytes);
    while (auto frame = read_frame(rest)) {
      if (!visit(*frame)) return {};
      rest.remove_prefix(frame->size);
    }
    if (rest.empty()) continue;
    if (i + 1 < segments->size() || !torn_write(rest)) {
      return std::unexpected(TrailReadError{
          TrailReadError::Kind::kDamaged, "the trail " + path.string() + " is damaged after byte " +
                                              std::to_string(bytes->size() - rest.size())});
    }
    if (torn_bytes) *torn_bytes = rest.size();
  }
  return {};
}

std::expected<std::optional<std::string>, std::string> record_hash_at(
    const std::filesystem::path& directory, std::uint64_t sequence) {
  auto segments = trail_segments(directory);
  if (!segments) return std::unexpected(segments.error());
  const auto holder =
      std::ranges::find_if(segments->rbegin(), segments->rend(),
                           [&](const auto& s) { return segment_first_sequence(s) <= sequence; });
  if (holder == segments->rend()) return std::nullopt;
  auto bytes = read_segment(*holder);
  if (!bytes) return std::unexpected(bytes.error());
  std::string_view rest(*bytes);
  while (auto frame = read_frame(rest)) {
    if (frame->type == FrameType::kRecord && frame->sequence == sequence) {
      return crypto::to_hex(frame->hash);
    }
    rest.remove_prefix(frame->size);
  }
  if (!rest.empty() && !torn_write(rest)) {  // the record may lie beyond the damage
    return std::unexpected("the trail " + holder->string() + " is damaged after byte " +
                           std::to_string(bytes->size() - rest.size()));
  }
  return std::nullopt;
}

std::expected<std::unique_ptr<LogStore>, std::string> LogStore::open(
    const LogStoreOptions& options) {
  std::error_code ec;
  if (std::filesystem::create_directories(options.directory, ec)) {
    ::chmod(options.directory.c_str(), 0700);  // pseudonymous, but only for the gateway's eyes
  }
  if (ec) {
    return std::unexpected("cannot create the trail " + options.directory.string() + ": " +
                           ec.message());
  }
  std::unique_ptr<LogStore> store(new LogStore(options));
  const auto lock = options.directory / "LOCK";
  store->lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (store->lock_fd_ < 0) return std::unexpected(system_error("cannot open", lock));
  if (auto ok = store->locked([&] { return store->recover(); }); !ok) {
    return std::unexpected(ok.error());
  }
  if (store->torn_bytes_cut_ > 0) {
    log::warn("audit.torn_tail_cut", {{"segment", store->segment_path_.filename().string()},
                                      {"bytes", std::to_string(store->torn_bytes_cut_)}});
  }
  return store;
}

LogStore::~LogStore() {
  if (segment_fd_ >= 0) ::close(segment_fd_);
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

template <typename Body>
std::expected<void, std::string> LogStore::locked(Body&& body) {
  const auto deadline = std::chrono::steady_clock::now() + options_.lock_timeout;
  auto pause = std::chrono::microseconds(100);
  while (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      return std::unexpected(system_error("cannot lock", options_.directory / "LOCK"));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return std::unexpected("the trail " + options_.directory.string() +
                             " stayed locked by another process for " +
                             std::to_string(options_.lock_timeout.count()) + " ms");
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(20'000));
  }
  std::expected<void, std::string> done;
  try {
    done = body();
  } catch (const std::exception& error) {  // e.g. out of memory: the batch fails, not the writer
    done = std::unexpected(std::string("writing the trail failed: ") + error.what());
  }
  ::flock(lock_fd_, LOCK_UN);
  return done;
}

std::expected<void, std::string> LogStore::open_segment(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return std::unexpected(system_error("cannot open", path));
  if (segment_fd_ >= 0) ::close(segment_fd_);
  segment_fd_ = fd;
  segment_path_ = path;
  segment_size_ = 0;
  return {};
}

// Reads the frames of the current segment from `offset`: the head and the
// last checkpoint follow them. What follows the last whole frame is a torn
// tail: cut off at open (`cut_torn`), an error otherwise.
std::expected<void, std::string> LogStore::scan_from(std::uint64_t offset, bool cut_torn) {
  auto bytes = read_from(segment_fd_, offset, segment_path_);
  if (!bytes) return std::unexpected(bytes.error());
  std::string_view rest(*bytes);
  while (auto frame = read_frame(rest)) {
    if (frame->sequence >= head_sequence_) {
      head_sequence_ = frame->sequence;
      head_hash_ = crypto::to_hex(frame->hash);
    }
    if (frame->type == FrameType::kCheckpoint) {
      last_checkpoint_ = std::max(last_checkpoint_, frame->sequence);
    }
    rest.remove_prefix(frame->size);
  }
  segment_size_ = offset + (bytes->size() - rest.size());
  if (rest.empty()) return {};
  if (!cut_torn || !torn_write(rest)) {
    return std::unexpected("the trail " + segment_path_.string() + " is damaged after byte " +
                           std::to_string(segment_size_));
  }
  if (::ftruncate(segment_fd_, static_cast<off_t>(segment_size_)) != 0 ||
      ::fdatasync(segment_fd_) != 0) {
    return std::unexpected(system_error("cannot cut the torn tail of", segment_path_));
  }
  torn_bytes_cut_ += rest.size();
  return {};
}

// The newest segment holds the head; older ones are read only when it does
// not reach the sequence before its name (just rolled: empty, or holding only
// a prune's checkpoint of an older record).
std::expected<void, std::string> LogStore::recover() {
  auto segments = trail_segments(options_.directory);
  if (!segments) return std::unexpected(segments.error());
  head_sequence_ = 0;
  head_hash_ = std::string(kGenesisHash);
  last_checkpoint_ = 0;
  if (segments->empty()) {
    if (auto ok = open_segment(segment_name(options_.directory, 1)); !ok) return ok;
    return sync_directory(options_.directory)
               ? std::expected<void, std::string>{}
               : std::unexpected("cannot sync the trail " + options_.directory.string());
  }
  for (auto it = segments->rbegin(); it != segments->rend(); ++it) {
    if (auto ok = open_segment(*it); !ok) return ok;
    if (auto ok = scan_from(0, it == segments->rbegin()); !ok) return ok;
    if (segment_size_ > 0 && head_sequence_ + 1 >= segment_first_sequence(*it)) break;
  }
  if (segment_path_ == segments->back()) return {};
  if (auto ok = open_segment(segments->back()); !ok) return ok;  // the newest, still empty
  return scan_from(0, false);
}

// What other processes appended since this store's last batch, following
// their rolls: a roll always creates the segment named head + 1.
std::expected<void, std::string> LogStore::catch_up() {
  for (;;) {
    struct stat info {};
    if (::fstat(segment_fd_, &info) != 0) {
      return std::unexpected(system_error("cannot stat", segment_path_));
    }
    if (static_cast<std::uint64_t>(info.st_size) != segment_size_) {
      if (auto ok = scan_from(segment_size_, false); !ok) return ok;
    }
    const auto next = segment_name(options_.directory, head_sequence_ + 1);
    if (next == segment_path_ || ::stat(next.c_str(), &info) != 0) return {};
    if (auto ok = open_segment(next); !ok) return ok;
  }
}

std::expected<void, std::string> LogStore::roll_if_full() {
  if (segment_size_ < options_.segment_bytes) return {};
  return roll();
}

std::expected<void, std::string> LogStore::roll() {
  if (auto ok = open_segment(segment_name(options_.directory, head_sequence_ + 1)); !ok) return ok;
  if (!sync_directory(options_.directory)) {
    return std::unexpected("cannot sync the trail " + options_.directory.string());
  }
  return {};
}

std::expected<void, std::string> LogStore::write_durably(const std::string& frames) {
  std::size_t done = 0;
  while (done < frames.size()) {
    const auto wrote = ::write(segment_fd_, frames.data() + done, frames.size() - done);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) break;
    done += static_cast<std::size_t>(wrote);
  }
  if (done == frames.size() && (options_.skip_fsync || ::fdatasync(segment_fd_) == 0)) {
    segment_size_ += frames.size();
    return {};
  }
  const std::string error = system_error("cannot append to", segment_path_);
  (void)::ftruncate(segment_fd_, static_cast<off_t>(segment_size_));  // all or nothing
  return std::unexpected(error);
}

std::expected<void, std::string> LogStore::append_batch(std::span<AuditRecord> records) {
  return locked([&]() -> std::expected<void, std::string> {
    if (auto ok = catch_up(); !ok) return ok;
    if (auto ok = roll_if_full(); !ok) return ok;
    std::string frames;
    std::uint64_t sequence = head_sequence_;
    std::string hash = head_hash_;
    for (auto& record : records) {
      record.sequence = ++sequence;
      record.prev_hash = hash;
      const std::string body = record.canonical_body();
      hash = chain_hash(record.prev_hash, body);
      append_frame(frames, FrameType::kRecord, record.sequence, raw_hash(hash), body);
    }
    if (auto ok = write_durably(frames); !ok) return ok;
    head_sequence_ = sequence;
    head_hash_ = hash;
    return {};
  });
}

std::expected<void, std::string> LogStore::check_writable() {
  return locked([&]() -> std::expected<void, std::string> {
    if (auto ok = catch_up(); !ok) return ok;
    if (::fdatasync(segment_fd_) != 0)
      return std::unexpected(system_error("cannot sync", segment_path_));
    return {};
  });
}

std::expected<std::uint64_t, std::string> LogStore::unsigned_records() {
  std::uint64_t unsigned_count = 0;
  auto ok = locked([&]() -> std::expected<void, std::string> {
    if (auto caught = catch_up(); !caught) return caught;
    unsigned_count = head_sequence_ > last_checkpoint_ ? head_sequence_ - last_checkpoint_ : 0;
    return {};
  });
  if (!ok) return std::unexpected(ok.error());
  return unsigned_count;
}

std::expected<Checkpoint, std::string> LogStore::write_checkpoint(const CheckpointSigner& sign) {
  Checkpoint checkpoint;
  auto ok = locked([&]() -> std::expected<void, std::string> {
    if (auto caught = catch_up(); !caught) return caught;
    if (auto rolled = roll_if_full(); !rolled) return rolled;
    if (head_sequence_ == 0) return {};  // an empty chain has nothing to sign
    checkpoint = Checkpoint{head_sequence_, head_hash_, log::timestamp_utc(), {}};
    checkpoint.signature = sign(checkpoint.signed_bytes());
    return append_checkpoint(checkpoint);
  });
  if (!ok) return std::unexpected(ok.error());
  return checkpoint;
}

std::expected<void, std::string> LogStore::append_checkpoint(const Checkpoint& checkpoint) {
  std::string frame;
  append_frame(frame, FrameType::kCheckpoint, checkpoint.sequence, raw_hash(checkpoint.head_hash),
               witness_line(checkpoint));
  if (auto written = write_durably(frame); !written) return written;
  last_checkpoint_ = std::max(last_checkpoint_, checkpoint.sequence);
  return {};
}

std::expected<PruneResult, std::string> LogStore::prune_through(std::uint64_t cut,
                                                                const CheckpointSigner& sign) {
  PruneResult result;
  auto ok = locked([&]() -> std::expected<void, std::string> {
    if (auto caught = catch_up(); !caught) return caught;
    cut = std::min(cut, head_sequence_);
    if (segment_size_ > 0 && cut >= segment_first_sequence(segment_path_)) {
      if (auto rolled = roll(); !rolled) return rolled;
    }
    auto segments = trail_segments(options_.directory);
    if (!segments) return std::unexpected(segments.error());
    std::size_t removable = 0;  // segments [0, removable) hold only records <= cut
    while (removable + 1 < segments->size() &&
           segment_first_sequence((*segments)[removable + 1]) - 1 <= cut) {
      ++removable;
    }
    if (removable == 0) return {};
    const std::uint64_t through = segment_first_sequence((*segments)[removable]) - 1;
    auto hash = record_hash_at(options_.directory, through);
    if (!hash) return std::unexpected(hash.error());
    if (!*hash) {
      return std::unexpected("the trail segment " + (*segments)[removable - 1].string() +
                             " does not hold sequence " + std::to_string(through));
    }
    result.checkpoint = Checkpoint{through, **hash, log::timestamp_utc(), {}, true};
    result.checkpoint.signature = sign(result.checkpoint.signed_bytes());
    if (auto written = append_checkpoint(result.checkpoint); !written) return written;
    for (std::size_t i = 0; i < removable; ++i) {
      std::error_code ec;
      std::filesystem::remove((*segments)[i], ec);
      if (ec)
        return std::unexpected("cannot remove " + (*segments)[i].string() + ": " + ec.message());
    }
    result.records = through - segment_first_sequence(segments->front()) + 1;
    if (!sync_directory(options_.directory)) {
      return std::unexpected("cannot sync the trail " + options_.directory.string());
    }
    return {};
  });
  if (!ok) return std::unexpected(ok.error());
  return result;
}

}  // namespace schakel::audit

namespace schakel::audit {

std::expected<void, TrailReadError> LogTrail::for_each_frame(const FrameVisitor& visit,
                                                             std::uint64_t* torn_bytes) const {
  std::error_code ec;
  if (!std::filesystem::is_directory(directory_, ec)) {
    return std::unexpected(TrailReadError{TrailReadError::Kind::kUnreadable,
                                          "no audit trail at " + directory_.string()});
  }
  return audit::for_each_frame(directory_, visit, torn_bytes);
}

std::expected<std::optional<std::string>, std::string> LogTrail::record_hash_at(
    std::uint64_t sequence) const {
  return audit::record_hash_at(directory_, sequence);
}

std::expected<std::uint64_t, std::string> LogTrail::head_sequence() const {
  auto segments = trail_segments(directory_);
  if (!segments) return std::unexpected(segments.error());
  if (segments->empty()) return 0;
  auto bytes = read_segment(segments->back());
  if (!bytes) return std::unexpected(bytes.error());
  std::uint64_t head = segment_first_sequence(segments->back()) - 1;
  std::string_view rest(*bytes);
  while (auto frame = read_frame(rest)) {
    if (frame->type == FrameType::kRecord) head = frame->sequence;
    rest.remove_prefix(frame->size);
  }
  return head;
}

}  // namespace schakel::audit
