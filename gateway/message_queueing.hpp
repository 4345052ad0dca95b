#pragma once
// Stage queue (issue 15), in place of forward when the sender prefers
// respond-async: after the decision record is durable, the encoded message
// (its delivery headers, content type and body) is sealed under the queue
// key and queued durably on the region's thread; the Courier delivers it.
// Messages that arrive while a commit is under way are queued together in
// the next one (one fsync for the batch, as the trail's writer does): each
// enqueue adds its message to the pending batch and posts a flush to the
// region's thread, whose first flush takes all that is pending. This relies
// on the region's thread being one thread (a one-thread pool), which runs
// the flushes in the order they were posted.
// Whatever goes wrong is a Problem value: queue-unavailable (the store
// failed), duplicate-transaction (this transaction id is queued already —
// refused, never merged). Sealed, the queue holds no value in clear; the
// row itself holds OINs, the purpose, times and the person's audit token.
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "common/problem.hpp"
#include "crypto/queue_cipher.hpp"
#include "gateway/http_types.hpp"
#include "policy/model.hpp"
#include "region/message_queue.hpp"

namespace schakel::gateway {

struct QueueParts {
  region::MessageQueue& queue;
  const crypto::QueueCipher& cipher;
  boost::asio::any_io_executor region_thread;
  std::function<void()> wake_courier;
  std::function<std::int64_t()> now_unix = {};  // seconds; the system clock unless set
};

struct OutgoingMessage {
  std::string transaction_id;
  std::string sender_oin;
  std::string recipient_oin;
  const policy::Purpose* purpose = nullptr;
  std::string subject_token;
  std::uint64_t decision_sequence = 0;
  HeaderList headers;
  std::string content_type;
  std::string body;
  // Complete only once the recipient accepts or declines (the purpose's
  // handover); never for a peer region's partner, who answers at its own gateway.
  bool handover = false;
};

// What a sealed queued message opens to.
struct QueuedPayload {
  HeaderList headers;
  std::string content_type;
  std::string body;
};

[[nodiscard]] std::string payload_text(const QueuedPayload& payload);
[[nodiscard]] std::expected<QueuedPayload, std::string> parse_payload(const std::string& text);

class MessageQueueing {
 public:
  explicit MessageQueueing(QueueParts parts);

  [[nodiscard]] boost::asio::awaitable<std::expected<region::QueuedMessage, Problem>> enqueue(
      OutgoingMessage message);

 private:
  struct Pending {
    const region::QueuedMessage* message = nullptr;
    std::optional<std::expected<bool, std::string>> result;  // set by the flush that took it
  };
  // On the region's thread: queues all that is pending, in one transaction;
  // then `mine`'s result (set by this flush or an earlier one).
  [[nodiscard]] std::expected<bool, std::string> flush(const std::shared_ptr<Pending>& mine);

  QueueParts parts_;
  std::mutex mutex_;
  std::vector<std::shared_ptr<Pending>> pending_;  // guarded by mutex_
};

}  // namespace schakel::gateway
