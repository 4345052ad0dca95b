#pragma once
// Appends one record to the audit log from a coroutine: completes on the
// coroutine's executor once the writer thread has made the record durable,
// with its sequence number, or with the store's error (nothing written).
#include <cstdint>
#include <expected>
#include <memory>
#include <string>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "audit/audit_log.hpp"

namespace schakel::gateway {

using AppendResult = std::expected<std::uint64_t, std::string>;

inline boost::asio::awaitable<AppendResult> append_durably(audit::AuditLog& log,
                                                           const audit::AuditRecord& record) {
  namespace asio = boost::asio;
  // The initiation is a named local: g++ 12 double-frees a capturing lambda
  // written inside a co_await expression.
  const auto initiation = [&log](auto handler, const audit::AuditRecord* pending) {
    auto shared = std::make_shared<decltype(handler)>(std::move(handler));
    log.append(*pending, [shared](AppendResult done) {
      auto executor = asio::get_associated_executor(*shared);
      asio::post(executor,
                 [shared, done = std::move(done)]() mutable { (*shared)(std::move(done)); });
    });
  };
  auto result = co_await asio::async_initiate<decltype(asio::use_awaitable), void(AppendResult)>(
      initiation, asio::use_awaitable, &record);
  co_return result;
}

}  // namespace schakel::gateway
