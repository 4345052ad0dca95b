#pragma once
// The gateway's side of re-identification (issue 15). While a message is
// evaluated, a person named by BSN gets an escrow entry (crypto/escrow.hpp);
// once the message is allowed and its record durable, keep() hands the entry
// to the region's thread, where the entries that arrived meanwhile are kept
// in one transaction (at most kMaxPendingEntries wait; more are dropped).
// Only a kept entry is marked in the pseudonymiser's cache (escrowed), so a
// recurring person costs nothing and an entry that was dropped, or whose
// message failed, is made again by the next message naming the person.
// Re-identification lasts until the key directory holds reidentification.ended
// (`schakel keys shred --reidentification`): lasts() looks before every
// request, and inside every batch's transaction (so a shred's forget_all that
// committed first is never undone); the first look that finds it drops the
// derived keys and calls `on_ended` (the gateway's KeyStore forgets its copy)
// — from then on nothing is kept and nothing opened.
// Failures are logged by kind, never with a value.
#include <atomic>
#include <expected>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "common/problem.hpp"
#include "common/shared_snapshot.hpp"
#include "crypto/escrow.hpp"
#include "crypto/pseudonymiser.hpp"
#include "region/escrow_store.hpp"

namespace schakel::gateway {

inline constexpr std::size_t kMaxPendingEntries = 10'000;

class Escrow {
 public:
  // `key`: the key directory's reidentification key, nullptr when it ended.
  Escrow(region::EscrowStore& store, const crypto::Pseudonymiser& pseudonymiser,
         boost::asio::any_io_executor region_thread, std::filesystem::path keys_dir,
         const crypto::Secret* key, std::function<void()> on_ended = {});

  // The key while re-identification lasts (as this process last looked); nullptr after.
  [[nodiscard]] std::shared_ptr<const crypto::EscrowKey> key() const { return key_.load(); }
  void keep(crypto::EscrowEntry entry);
  // Looks at the key directory; false once re-identification has ended.
  [[nodiscard]] bool lasts();
  // On the region's thread: the BSN kept for the person. Problems:
  // reidentification-ended (410), not-found (nothing kept for the person:
  // never named by BSN while re-identification lasted), audit-unavailable
  // (the store failed or the entry does not open).
  [[nodiscard]] std::expected<std::string, Problem> open(const crypto::Pseudonymiser& pseudonymiser,
                                                         const crypto::Subject& subject);
  // How many entries were kept (for tests and /metrics).
  [[nodiscard]] std::uint64_t kept() const { return kept_.load(); }

 private:
  void flush();

  region::EscrowStore& store_;
  const crypto::Pseudonymiser& pseudonymiser_;
  boost::asio::any_io_executor region_thread_;
  std::function<void()> on_ended_;
  std::once_flag ended_once_;
  std::filesystem::path keys_dir_;
  SharedSnapshot<const crypto::EscrowKey> key_;
  std::mutex mutex_;
  std::vector<crypto::EscrowEntry> pending_;
  std::atomic<std::uint64_t> kept_{0};
};

}  // namespace schakel::gateway
