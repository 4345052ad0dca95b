#include "gateway/held_records.hpp"

#include "common/log.hpp"
#include "gateway/audit_append.hpp"
#include "gateway/blocking_work.hpp"

namespace schakel::gateway {

std::vector<region::HeldRecord> to_hold(const HeldRecords& held) {
  std::vector<region::HeldRecord> out;
  out.reserve(held.size());
  for (const auto& [key, record] : held) out.push_back({key, record.canonical_body()});
  return out;
}

boost::asio::awaitable<std::vector<std::string>> append_held(
    audit::AuditLog& audit, region::RecordOutbox& outbox,
    boost::asio::any_io_executor region_thread, const HeldRecords& held) {
  std::vector<std::string> written, unwritten;
  for (const auto& [key, record] : held) {
    if (!unwritten.empty()) {  // the trail refused one: the rest wait for the replay too
      unwritten.push_back(key);
      continue;
    }
    auto appended = append_durably(audit, record);
    const bool durable = (co_await std::move(appended)).has_value();
    (durable ? written : unwritten).push_back(key);
  }
  auto settle = [&] {
    for (const auto& key : written) {
      if (auto settled = outbox.settle(key); !settled) {  // replayed later (kReplayAfterSeconds)
        log::error("region.store_failed", {{"error", settled.error()}});
      }
    }
    if (unwritten.empty()) return true;
    if (auto marked = outbox.retry_later(unwritten); !marked) {  // replayed later all the same
      log::error("region.store_failed", {{"error", marked.error()}});
    }
    return true;
  };
  auto settled = run_blocking(region_thread, settle);
  (void)co_await std::move(settled);  // what stays held is replayed: never lost
  co_return unwritten;
}

boost::asio::awaitable<bool> commit_with_records(
    audit::AuditLog& audit, region::RecordOutbox& outbox,
    boost::asio::any_io_executor region_thread,
    const std::function<std::optional<HeldRecords>()>& change, bool after_crash) {
  HeldRecords records;
  auto committed = co_await run_store(region_thread, [&] {
    return outbox.in_change(
        [&]() -> std::optional<std::vector<region::HeldRecord>> {
          auto made = change();
          if (!made) return std::nullopt;
          records = std::move(*made);
          return to_hold(records);
        },
        after_crash);
  });
  if (!committed || !*committed) co_return false;
  if (records.empty()) co_return true;
  auto appended = append_held(audit, outbox, region_thread, records);
  (void)co_await std::move(appended);  // what the trail refused is replayed: never lost
  co_return true;
}

}  // namespace schakel::gateway
