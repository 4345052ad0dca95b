#pragma once
// One request to the region's endpoints (signals, cases), answered with its
// audit record durable first: the caller's work runs on the policy snapshot
// for the sender the certificate names; whatever it did, or the problem that
// refused it, becomes one record of `kind` (never personal values: outcome,
// purpose, subject token, case reference and details the work gives), and
// then what the work left to do after its record (after_record), and only
// then the reply. No record, no answer: 503 audit-unavailable.
#include <expected>
#include <functional>
#include <map>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "audit/audit_log.hpp"
#include "gateway/http_types.hpp"
#include "gateway/peer_identity.hpp"
#include "gateway/policy_holder.hpp"

namespace schakel::gateway {

struct Answer {
  std::string outcome;
  int status = 200;
  nlohmann::json body;
  std::string purpose;
  std::string subject_token;
  std::map<std::string, std::string> details;
  std::string case_ref = {};
  // Runs once the record is durable, before the reply (e.g. owing notifications).
  std::function<void()> after_record = {};
};

using AnswerWork = std::function<std::expected<Answer, Problem>(
    const policy::Policy&, const policy::Partner&, const Request&)>;

struct AnswerParts {
  const PolicyHolder& policy;
  audit::AuditLog& audit;
  std::string kind;  // "signal", "case"
  // For a refusal: the case reference and subject token of what the request
  // was about, when it exists (never a value taken from the request itself).
  std::function<std::optional<std::pair<std::string, std::string>>(const Request&)>
      refusal_context = {};
};

[[nodiscard]] boost::asio::awaitable<Response> audited_answer(AnswerParts parts,
                                                              const PeerIdentity& peer,
                                                              const Request& request,
                                                              AnswerWork work);

}  // namespace schakel::gateway
