#pragma once
// Runs blocking work — the region's SQLite transactions, which wait for
// fsync — on a thread of its own (`executor`, e.g. a one-thread
// asio::thread_pool) instead of an I/O thread, and completes on the calling
// coroutine's executor with the work's result: the I/O threads go on serving
// messages meanwhile. Nothing escapes the work's thread: an exception
// becomes nullopt (logged, never its message, which may quote input).
// `work` is kept in the caller's frame, which outlives the wait.
#include <exception>
#include <optional>
#include <type_traits>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/log.hpp"
#include "gateway/completion.hpp"

namespace schakel::gateway {

template <typename Work>
boost::asio::awaitable<std::optional<std::invoke_result_t<Work&>>> run_blocking(
    boost::asio::any_io_executor executor, Work work) {
  namespace asio = boost::asio;
  using Result = std::optional<std::invoke_result_t<Work&>>;
  // The initiation is a named local: g++ 12 double-frees a capturing lambda
  // written inside a co_await expression.
  const auto initiation = [executor](auto handler, Work* pending) {
    asio::post(executor, [complete = completer(std::move(handler)), pending]() mutable {
      Result result;
      try {
        result.emplace((*pending)());
      } catch (...) {  // nothing escapes the work's thread
        log::error("blocking_work.exception");
      }
      complete(std::move(result));
    });
  };
  auto result = co_await asio::async_initiate<decltype(asio::use_awaitable), void(Result)>(
      initiation, asio::use_awaitable, &work);
  co_return result;
}

// A store call — returning std::expected<T, std::string> — run as above: an
// exception becomes an error, and an error is logged (event `what`).
template <typename Work>
boost::asio::awaitable<std::invoke_result_t<Work&>> run_store(
    boost::asio::any_io_executor executor, Work work, const char* what = "region.store_failed") {
  using Result = std::invoke_result_t<Work&>;
  auto ran = run_blocking(std::move(executor), std::move(work));
  auto result = co_await std::move(ran);
  if (!result) co_return Result(std::unexpect, "the region's store threw");
  if (!*result) log::error(what, {{"error", result->error()}});
  co_return std::move(*result);
}

}  // namespace schakel::gateway
