#pragma once
// GET /v1/messages/{transaction-id} (issue 15): where a message queued with
// Prefer: respond-async stands — queued, delivered, accepted, declined or
// expired, with its times and attempts, never its content. Only its sender
// and its recipient may read it; anyone else (and an id that is no queued
// message) gets the same 404. Each read is an audit record (kind "status").
#include <expected>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "audit/audit_log.hpp"
#include "gateway/policy_holder.hpp"
#include "gateway/router.hpp"
#include "region/message_queue.hpp"

namespace schakel::gateway {

struct MessageStatusParts {
  const PolicyHolder& policy;
  audit::AuditLog& audit;
  region::MessageQueue& queue;
  boost::asio::any_io_executor region_thread;
};

[[nodiscard]] std::expected<void, std::string> add_message_status_route(Router& router,
                                                                        MessageStatusParts parts);

}  // namespace schakel::gateway
