#include "gateway/message_queueing.hpp"

#include <chrono>

#include <nlohmann/json.hpp>

#include "common/calendar.hpp"
#include "common/log.hpp"
#include "gateway/blocking_work.hpp"

namespace schakel::gateway {
namespace {}  // namespace

// The head (headers and content type) as JSON, a NUL, then the body as it is.
std::string payload_text(const QueuedPayload& payload) {
  nlohmann::json head = {{"headers", payload.headers}, {"content_type", payload.content_type}};
  return head.dump() + '\0' + payload.body;
}

std::expected<QueuedPayload, std::string> parse_payload(const std::string& text) {
  const auto end = text.find('\0');
  if (end == std::string::npos) return std::unexpected(std::string("a queued message has no head"));
  const auto head = nlohmann::json::parse(text.substr(0, end), nullptr, false);
  try {
    return QueuedPayload{head.at("headers").get<HeaderList>(),
                         head.at("content_type").get<std::string>(), text.substr(end + 1)};
  } catch (const nlohmann::json::exception&) {
    return std::unexpected(std::string("a queued message's head does not read back"));
  }
}

MessageQueueing::MessageQueueing(QueueParts parts) : parts_(std::move(parts)) {
  if (!parts_.now_unix) parts_.now_unix = calendar::unix_now;
}

std::expected<bool, std::string> MessageQueueing::flush(const std::shared_ptr<Pending>& mine) {
  std::vector<std::shared_ptr<Pending>> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(pending_);
  }
  if (!batch.empty()) {
    std::vector<const region::QueuedMessage*> messages;
    messages.reserve(batch.size());
    for (const auto& pending : batch) messages.push_back(pending->message);
    auto added = parts_.queue.enqueue_all(messages);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      batch[i]->result =
          added ? std::expected<bool, std::string>((*added)[i]) : std::unexpected(added.error());
    }
  }
  if (!mine->result) {  // only if the region's thread ran flushes out of order
    return std::unexpected(std::string("the queue's batch was not flushed in order"));
  }
  return *mine->result;
}

boost::asio::awaitable<std::expected<region::QueuedMessage, Problem>> MessageQueueing::enqueue(
    OutgoingMessage message) {
  region::QueuedMessage queued;
  queued.transaction_id = message.transaction_id;
  queued.sender_oin = message.sender_oin;
  queued.recipient_oin = message.recipient_oin;
  queued.purpose = message.purpose->id;
  queued.subject_token = message.subject_token;
  queued.decision_sequence = message.decision_sequence;
  queued.handover = message.handover;
  queued.queued_unix = queued.due_unix = parts_.now_unix();
  queued.expires_unix = queued.queued_unix + std::int64_t{message.purpose->queue_hours} * 3600;
  queued.sealed = parts_.cipher.seal(
      payload_text({std::move(message.headers), message.content_type, std::move(message.body)}),
      queued.transaction_id);
  auto mine = std::make_shared<Pending>(Pending{&queued, std::nullopt});
  {
    std::lock_guard lock(mutex_);
    pending_.push_back(mine);
  }
  auto store = [this, mine] { return flush(mine); };
  auto stored = co_await run_blocking(parts_.region_thread, store);
  if (!stored || !*stored) {
    if (stored) log::error("queue.store_failed", {{"error", stored->error()}});
    co_return std::unexpected(
        make_problem(ProblemKind::kQueueUnavailable, "the message could not be queued durably"));
  }
  if (!**stored) {
    co_return std::unexpected(make_problem(ProblemKind::kDuplicateTransaction,
                                           "a message with this Fsc-Transaction-Id is queued "
                                           "already; a new message takes a new id"));
  }
  if (parts_.wake_courier) parts_.wake_courier();
  co_return queued;
}

}  // namespace schakel::gateway
