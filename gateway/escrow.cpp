#include "gateway/escrow.hpp"

#include <boost/asio/post.hpp>

#include "common/log.hpp"

namespace schakel::gateway {

Escrow::Escrow(region::EscrowStore& store, const crypto::Pseudonymiser& pseudonymiser,
               boost::asio::any_io_executor region_thread, std::filesystem::path keys_dir,
               const crypto::Secret* key, std::function<void()> on_ended)
    : store_(store),
      pseudonymiser_(pseudonymiser),
      region_thread_(std::move(region_thread)),
      on_ended_(std::move(on_ended)),
      keys_dir_(std::move(keys_dir)),
      key_(key ? std::make_shared<const crypto::EscrowKey>(*key) : nullptr) {}

void Escrow::keep(crypto::EscrowEntry entry) {
  bool first = false;
  {
    std::lock_guard lock(mutex_);
    if (pending_.size() >= kMaxPendingEntries) {
      log::warn("escrow.dropped", {{"reason", "too many entries wait to be kept"}});
      return;
    }
    first = pending_.empty();
    pending_.push_back(std::move(entry));
  }
  if (first) boost::asio::post(region_thread_, [this] { flush(); });
}

bool Escrow::lasts() {
  if (!key_.load()) return false;
  auto ended = crypto::KeyStore::reidentification_ended(keys_dir_);
  if (!ended) {
    // Cannot look: keep the key (never end by mistake), and say so.
    log::error("escrow.key_directory_unreadable", {{"error", ended.error()}});
    return true;
  }
  if (!*ended) return true;
  key_.store(nullptr);
  std::call_once(ended_once_, [this] {
    if (on_ended_) on_ended_();
    log::info("escrow.ended", {{"reason", "reidentification.ended found in the key directory"}});
  });
  return false;
}

void Escrow::flush() {
  std::vector<crypto::EscrowEntry> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(pending_);
  }
  if (batch.empty()) return;
  auto kept = store_.keep_all(batch, [this] { return lasts(); });
  if (!kept) {
    log::error("escrow.store_failed", {{"error", kept.error()}});
    return;
  }
  if (!*kept) return;
  for (const auto& entry : batch) pseudonymiser_.escrowed(entry);
  kept_ += batch.size();
}

std::expected<std::string, Problem> Escrow::open(const crypto::Pseudonymiser& pseudonymiser,
                                                 const crypto::Subject& subject) {
  const auto key = lasts() ? key_.load() : nullptr;
  if (!key) {
    return std::unexpected(
        make_problem(ProblemKind::kReidentificationEnded,
                     "the re-identification key was destroyed; no pseudonym can be turned back "
                     "into a BSN any more"));
  }
  const crypto::EscrowLookup lookup = pseudonymiser.escrow_lookup(subject, *key);
  auto found = store_.find(lookup);
  if (!found) {
    log::error("escrow.store_failed", {{"error", found.error()}});
    return std::unexpected(make_problem(ProblemKind::kAuditUnavailable, "the escrow failed"));
  }
  if (!*found) {
    return std::unexpected(make_problem(
        ProblemKind::kNotFound, "no BSN is held for this person: the region never received it"));
  }
  auto bsn = key->open(**found, lookup);
  if (!bsn) {
    log::error("escrow.entry_unreadable", {{"error", bsn.error()}});
    return std::unexpected(make_problem(ProblemKind::kAuditUnavailable, "the escrow failed"));
  }
  return std::move(*bsn);
}

}  // namespace schakel::gateway
