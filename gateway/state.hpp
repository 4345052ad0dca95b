#pragma once
// The gateway's state under settings.data_dir, opened the same way by every
// process that touches it (`schakel serve`, `keys`, `audit prune`): the
// directory created owner-only (0700), and the trail (audit/log_store.hpp)
// with the settings' segment size, lock timeout (timeouts_ms.audit_busy) and
// durability.
#include <expected>
#include <memory>
#include <string>

#include "audit/log_store.hpp"
#include "crypto/key_store.hpp"
#include "gateway/settings.hpp"

namespace schakel::gateway {

// Creates data_dir when missing and makes it 0700.
[[nodiscard]] std::expected<void, std::string> ensure_data_dir(const Settings& settings);
// ensure_data_dir, then the trail in it. With a witness (audit.witness) the
// trail must reach the witness's last validly signed checkpoint and hold the
// record it signed at that sequence (unless pruned away): a trail cut back,
// deleted or replaced behind the witness is refused, so that no sequence
// number the witness and the receipts know is given out again.
[[nodiscard]] std::expected<std::unique_ptr<audit::LogStore>, std::string> open_trail(
    const Settings& settings, const crypto::PublicKey& audit_key);

// An operator's record (`schakel keys`, `audit prune`) appended to the
// trail, then a signed checkpoint of it, published to the witness like the
// gateway's: an operator's record is never left unsigned. Returns its sequence.
[[nodiscard]] std::expected<std::uint64_t, std::string> append_signed(const Settings& settings,
                                                                      audit::LogStore& trail,
                                                                      const crypto::KeyStore& keys,
                                                                      audit::AuditRecord record);

}  // namespace schakel::gateway
