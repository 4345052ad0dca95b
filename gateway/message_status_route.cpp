#include "gateway/message_status_route.hpp"

#include <memory>

#include "common/calendar.hpp"
#include "common/log.hpp"
#include "gateway/audited_answer.hpp"

namespace schakel::gateway {
namespace {

using json = nlohmann::json;

json when(std::int64_t unix_seconds) {
  return unix_seconds > 0 ? json(calendar::format_instant(unix_seconds)) : json(nullptr);
}

json status_of(const region::QueuedMessage& message) {
  return {{"transaction_id", message.transaction_id},
          {"status", message.status},
          {"handover", message.handover},
          {"purpose", message.purpose},
          {"sender", message.sender_oin},
          {"recipient", message.recipient_oin},
          {"attempts", message.attempts},
          {"queued", when(message.queued_unix)},
          {"delivered", when(message.delivered_unix)},
          {"answered", when(message.answered_unix)},
          {"expires", when(message.expires_unix)},
          {"accept_by", when(message.accept_by_unix)},
          {"escalated", message.escalated}};
}

}  // namespace

std::expected<void, std::string> add_message_status_route(Router& router,
                                                          MessageStatusParts given) {
  auto parts = std::make_shared<MessageStatusParts>(std::move(given));
  AnswerWork read = [parts](const policy::Policy&, const policy::Partner& caller,
                            const Request& request,
                            const std::string&) -> std::expected<Answer, Problem> {
    const std::string id = path_segment(request.target, 2);
    auto found = parts->queue.find(id);
    if (!found) {
      log::error("queue.store_failed", {{"error", found.error()}});
      return std::unexpected(
          make_problem(ProblemKind::kAuditUnavailable, "the region's store failed"));
    }
    const auto& message = *found;
    if (!message || (message->sender_oin != caller.oin && message->recipient_oin != caller.oin)) {
      return std::unexpected(make_problem(
          ProblemKind::kNotFound, "no queued message of this id that the caller sent or receives"));
    }
    return Answer{"read",
                  200,
                  status_of(*message),
                  message->purpose,
                  message->subject_token,
                  {{"message", message->transaction_id}, {"status", message->status}}};
  };
  return router.add(
      "GET", "/v1/messages/{id}", [parts, read](const PeerIdentity& peer, const Request& request) {
        return audited_answer({parts->policy, parts->audit, "status", {}, parts->region_thread},
                              peer, request, read);
      });
}

}  // namespace schakel::gateway
