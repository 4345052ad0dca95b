#pragma once
// One request to the region's endpoints (signals, cases, handover answers,
// a queued message's status), answered with its
// audit record durable first: the caller's work runs on the policy snapshot
// for the sender the certificate names — a partner's, and valid at this
// request (a keep-alive connection outlives its handshake; otherwise
// unknown-partner, as POST /v1/messages answers) —; whatever it did, or the problem that
// refused it, becomes one record of `kind` (never personal values: outcome,
// purpose, subject token, case reference and details the work gives), and
// only then the reply. No record, no answer: 503 audit-unavailable (for a
// change already committed: 503 record-pending, below).
//
// A route that changes the region's state names the RecordOutbox: its work
// then runs inside the outbox's transaction, and the change commits together
// with its record (and the work's further records, e.g. a registration's
// matches) held in the outbox; a refusal rolls the change back. The records
// are appended after the commit and then settled, which frees the
// notifications they hold. If the trail refuses, the change stays and its
// record is marked for the Notifier to append when the trail is back (the
// reply is still 503: the caller learns that its record is not yet written).
#include <expected>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "audit/audit_log.hpp"
#include "gateway/held_records.hpp"
#include "gateway/http_types.hpp"
#include "gateway/peer_identity.hpp"
#include "gateway/policy_holder.hpp"
#include "region/record_outbox.hpp"

namespace schakel::gateway {

struct Answer {
  std::string outcome;
  int status = 200;
  nlohmann::json body = {};
  std::string purpose = {};
  std::string subject_token = {};
  std::map<std::string, std::string> details = {};
  std::string case_ref = {};
  // Further records of the change, each held under its own key (what the
  // notifications it owes name in held_by) until it is in the trail.
  std::vector<std::pair<std::string, audit::AuditRecord>> also_recorded = {};
  bool owes_notifications = false;  // then after_settled runs once the records are settled
  // A refusal that knows what it was about (purpose, subject token): recorded
  // as outcome "refused" with these, answered as the problem. Only for a
  // route without an outbox (nothing to roll back); others refuse with
  // std::unexpected.
  std::optional<Problem> refused = std::nullopt;
};

// `transaction_id`: the request's, under which its record is held.
using AnswerWork = std::function<std::expected<Answer, Problem>(
    const policy::Policy&, const policy::Partner&, const Request&,
    const std::string& transaction_id)>;

struct AnswerParts {
  const PolicyHolder& policy;
  audit::AuditLog& audit;
  std::string kind;  // "signal", "case"
  // For a refusal: the case reference and subject token of what the request
  // was about, when it exists (never a value taken from the request itself).
  std::function<std::optional<std::pair<std::string, std::string>>(const Request&)>
      refusal_context = {};
  // Where the work and the outbox run (SQLite waits for fsync): not an I/O thread.
  boost::asio::any_io_executor region_thread = {};
  region::RecordOutbox* outbox = nullptr;    // set when the work changes state
  std::function<void()> after_settled = {};  // wakes the Notifier (Answer::owes_notifications)
  // Who speaks; unset: the partner of this region the certificate's OIN names.
  // The federation routes set it: a peer region's gateway for one of its partners.
  std::function<const policy::Partner*(const policy::Policy&, const PeerIdentity&, const Request&)>
      identify = {};
};

[[nodiscard]] boost::asio::awaitable<Response> audited_answer(AnswerParts parts,
                                                              const PeerIdentity& peer,
                                                              const Request& request,
                                                              AnswerWork work);

}  // namespace schakel::gateway
