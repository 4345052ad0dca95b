#pragma once
// Audit records held in the RecordOutbox (region/record_outbox.hpp) on their
// way to the trail: append_held() appends them in order and settles each
// once it is durable (which frees the notifications it holds); from the
// first one the trail refuses on, the rest are marked for the Notifier's
// replay. The outbox's calls run on the region's thread. Completes with the
// keys that are not yet written (empty: all are).
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "audit/audit_log.hpp"
#include "region/record_outbox.hpp"

namespace schakel::gateway {

using HeldRecords = std::vector<std::pair<std::string, audit::AuditRecord>>;

[[nodiscard]] boost::asio::awaitable<std::vector<std::string>> append_held(
    audit::AuditLog& audit, region::RecordOutbox& outbox,
    boost::asio::any_io_executor region_thread, const HeldRecords& held);

// A change of the region's state and the records that describe it (the
// change's nullopt rolls back), in one transaction on the region's thread;
// then append_held. Whether it committed. `after_crash`: RecordOutbox::in_change's.
[[nodiscard]] boost::asio::awaitable<bool> commit_with_records(
    audit::AuditLog& audit, region::RecordOutbox& outbox,
    boost::asio::any_io_executor region_thread,
    const std::function<std::optional<HeldRecords>()>& change, bool after_crash = false);

// The outbox key of one event of a transaction that has several records
// (a queued message's attempts, its expiry): "ID#EVENT".
[[nodiscard]] inline std::string hold_key_of(const std::string& transaction_id,
                                             const std::string& event) {
  return transaction_id + "#" + event;
}

// The records as the outbox holds them (canonical bodies under their keys).
[[nodiscard]] std::vector<region::HeldRecord> to_hold(const HeldRecords& held);

}  // namespace schakel::gateway
