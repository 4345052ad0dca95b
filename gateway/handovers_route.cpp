#include "gateway/handovers_route.hpp"

#include <memory>

#include "common/calendar.hpp"
#include "common/log.hpp"
#include "gateway/audited_answer.hpp"
#include "policy/redaction.hpp"
#include "region/request_body.hpp"

namespace schakel::gateway {
namespace {

using json = nlohmann::json;

std::expected<std::optional<std::string>, Problem> reason_of(const Request& request,
                                                             bool accepted) {
  if (request.body.empty()) {
    if (accepted) return std::nullopt;
    return std::unexpected(region::malformed_body("a decline gives {\"reason\": \"...\"}"));
  }
  auto body = region::parse_body(request.body);
  if (!body) return std::unexpected(body.error());
  if (auto extra = region::only_members(*body, {"reason"})) return std::unexpected(*extra);
  const std::string* reason = region::string_member(*body, "reason");
  if (body->contains("reason") && !reason) {
    return std::unexpected(region::malformed_body("reason must be a string"));
  }
  if (!accepted && (!reason || reason->empty())) {
    return std::unexpected(region::malformed_body("a decline gives {\"reason\": \"...\"}"));
  }
  if (!reason) return std::nullopt;
  return *reason;
}

}  // namespace

region::Notification receipt_for(const region::QueuedMessage& message, const std::string& event,
                                 const std::string& held_by, json extra) {
  json body = {{"type", "handover"},
               {"transaction_id", message.transaction_id},
               {"event", event},
               {"purpose", message.purpose},
               {"recipient", message.recipient_oin},
               {"date", calendar::format_instant(calendar::unix_now())}};
  for (auto& [key, value] : extra.items()) body[key] = value;
  return {0,      message.sender_oin, "handover", body.dump(), "", message.transaction_id, 0, 0,
          held_by};
}

std::expected<void, std::string> add_handover_routes(Router& router, HandoverRouteParts given) {
  if (!given.now_unix) given.now_unix = calendar::unix_now;
  auto parts = std::make_shared<HandoverRouteParts>(std::move(given));
  auto answer = [parts](bool accepted) -> AnswerWork {
    return [parts, accepted](const policy::Policy& policy, const policy::Partner& caller,
                             const Request& request,
                             const std::string& transaction_id) -> std::expected<Answer, Problem> {
      const std::string id = path_segment(request.target, 2);
      auto reason = reason_of(request, accepted);
      if (!reason) return std::unexpected(reason.error());
      auto found = parts->queue.find(id);
      if (!found) {
        log::error("queue.store_failed", {{"error", found.error()}});
        return std::unexpected(
            make_problem(ProblemKind::kAuditUnavailable, "the region's store failed"));
      }
      if (!*found || (*found)->recipient_oin != caller.oin || !(*found)->handover) {
        return std::unexpected(
            make_problem(ProblemKind::kNotFound, "no handover of this id addressed to the caller"));
      }
      auto answered = parts->queue.answer(id, accepted, parts->now_unix());
      if (!answered || !*answered) {
        if (!answered) log::error("queue.store_failed", {{"error", answered.error()}});
        return std::unexpected(
            make_problem(answered ? ProblemKind::kNotAnswerable : ProblemKind::kAuditUnavailable,
                         answered ? "the handover is not delivered yet, or answered already"
                                  : "the region's store failed"));
      }
      json extra = json::object();
      if (*reason) {
        extra["reason"] = policy.redactor().redact(**reason, policy::RedactionContext{}).text;
      }
      const std::string event = accepted ? "accepted" : "declined";
      if (auto owed =
              parts->notifications.owe({receipt_for(**found, event, transaction_id, extra)});
          !owed) {
        log::error("queue.store_failed", {{"error", owed.error()}});
        return std::unexpected(
            make_problem(ProblemKind::kAuditUnavailable, "the region's store failed"));
      }
      return Answer{event,
                    200,
                    {{"transaction_id", id}, {"status", event}},
                    (*found)->purpose,
                    (*found)->subject_token,
                    {{"message", id}},
                    {},
                    {},
                    true};
    };
  };
  for (const bool accepted : {true, false}) {
    const std::string path = std::string("/v1/handovers/{id}/") + (accepted ? "accept" : "decline");
    auto work = answer(accepted);
    auto handler = [parts, work](const PeerIdentity& peer, const Request& request) {
      return audited_answer({parts->policy,
                             parts->audit,
                             "handover",
                             {},
                             parts->region_thread,
                             &parts->outbox,
                             parts->wake_notifier},
                            peer, request, work);
    };
    if (auto ok = router.add("POST", path, handler); !ok) return ok;
  }
  return {};
}

}  // namespace schakel::gateway
