#pragma once
// Appends one record to the audit log from a coroutine: completes on the
// coroutine's executor once the writer thread has made the record durable,
// with its sequence number, or with the store's error (nothing written).
#include <cstdint>
#include <expected>
#include <memory>
#include <string>

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "audit/audit_log.hpp"
#include "gateway/completion.hpp"

namespace schakel::gateway {

using AppendResult = std::expected<std::uint64_t, std::string>;

inline boost::asio::awaitable<AppendResult> append_durably(audit::AuditLog& log,
                                                           const audit::AuditRecord& record) {
  namespace asio = boost::asio;
  // The initiation is a named local: g++ 12 double-frees a capturing lambda
  // written inside a co_await expression.
  const auto initiation = [&log](auto handler, const audit::AuditRecord* pending) {
    log.append(*pending, completer(std::move(handler)));
  };
  auto result = co_await asio::async_initiate<decltype(asio::use_awaitable), void(AppendResult)>(
      initiation, asio::use_awaitable, &record);
  co_return result;
}

}  // namespace schakel::gateway
