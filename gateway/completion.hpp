#pragma once
// completer(handler): wraps an Asio completion handler (e.g. a coroutine's,
// from async_initiate) into a copyable callback that another thread — the
// audit writer, the region's thread — calls with the result; the handler then
// runs on its own associated executor (the awaiting coroutine's), never on
// the caller's thread.
#include <memory>
#include <utility>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/post.hpp>

namespace schakel::gateway {

template <typename Handler>
auto completer(Handler handler) {
  auto shared = std::make_shared<Handler>(std::move(handler));
  return [shared](auto result) {
    auto home = boost::asio::get_associated_executor(*shared);
    boost::asio::post(
        home, [shared, result = std::move(result)]() mutable { (*shared)(std::move(result)); });
  };
}

}  // namespace schakel::gateway
