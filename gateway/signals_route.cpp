#include "gateway/signals_route.hpp"

#include <memory>

#include "common/log.hpp"
#include "gateway/audited_answer.hpp"
#include "gateway/envelope.hpp"
#include "gateway/query_string.hpp"

namespace schakel::gateway {
namespace {

const std::vector<std::string> kQueryParameters = {"purpose"};

// One record (kind "match") per new match, held under the match's id: what
// its notifications wait for. Sender: the partner whose signal made the
// match; recipient: the partner of the earlier signal.
std::vector<std::pair<std::string, audit::AuditRecord>> match_records(
    const policy::Policy& policy, const policy::Partner& sender,
    const region::SignalOutcome& outcome) {
  std::vector<std::pair<std::string, audit::AuditRecord>> out;
  for (const auto& [match, other] : outcome.registration.matches) {
    audit::AuditRecord record;
    record.kind = "match";
    record.outcome = "matched";
    record.start_time = record.end_time = log::timestamp_utc();
    record.transaction_id = new_transaction_id();
    record.sender = sender.oin;
    record.recipient = other.partner_oin;
    record.purpose = outcome.registration.signal.purpose;
    record.policy_hash = policy.hash();
    record.subject_token = outcome.subject_token;
    record.details = {
        {"match", match.id}, {"signal_a", match.signal_a}, {"signal_b", match.signal_b}};
    out.emplace_back(match.id, std::move(record));
  }
  return out;
}

}  // namespace

std::expected<void, std::string> add_signal_routes(Router& router, SignalRouteParts given) {
  auto parts = std::make_shared<SignalRouteParts>(std::move(given));
  // changes: the work runs in the outbox's transaction with its records.
  auto route = [parts](AnswerWork work, bool changes) {
    return
        [parts, work = std::move(work), changes](const PeerIdentity& peer, const Request& request) {
          return audited_answer({parts->policy,
                                 parts->audit,
                                 "signal",
                                 {},
                                 parts->region_thread,
                                 changes ? &parts->outbox : nullptr,
                                 parts->wake_notifier},
                                peer, request, work);
        };
  };
  auto registered = route(
      [parts](const policy::Policy& policy, const policy::Partner& sender, const Request& request,
              const std::string& transaction_id) -> std::expected<Answer, Problem> {
        auto outcome = parts->service.register_signal(policy, sender, request.body, parts->today(),
                                                      new_transaction_id());
        if (!outcome) return std::unexpected(outcome.error());
        const auto& signal = outcome->registration.signal;
        // A new signal asks the peer regions it may cross to (issue 20), held by its record.
        std::size_t asked = 0;
        if (!outcome->registration.renewed) {
          auto asks = parts->service.ask_peers(policy, sender, signal, transaction_id);
          if (!asks) return std::unexpected(asks.error());
          asked = *asks;
        }
        return Answer{outcome->registration.renewed ? "renewed" : "registered",
                      outcome->registration.renewed ? 200 : 201,
                      {{"signal", signal.id},
                       {"active_until", signal.active_until},
                       {"renewed", outcome->registration.renewed},
                       {"matches", outcome->registration.matches.size()}},
                      signal.purpose,
                      outcome->subject_token,
                      {{"signal", signal.id},
                       {"active_until", signal.active_until},
                       {"matches", std::to_string(outcome->registration.matches.size())}},
                      {},
                      match_records(policy, sender, *outcome),
                      !outcome->registration.matches.empty() || asked > 0};
      },
      true);
  auto withdrawn = route(
      [parts](const policy::Policy&, const policy::Partner& sender, const Request& request,
              const std::string&) -> std::expected<Answer, Problem> {
        auto done =
            parts->service.withdraw(sender, path_segment(request.target, 2), parts->today());
        if (!done) return std::unexpected(done.error());
        return Answer{"withdrawn",
                      200,
                      {{"withdrawn", true}},
                      done->purpose,
                      parts->service.token_of(done->subject_index).value_or(""),
                      {{"signal", done->id}, {"withdrawn_on", done->withdrawn_on.value_or("")}}};
      },
      true);
  auto answered = route(
      [parts](const policy::Policy& policy, const policy::Partner& sender, const Request& request,
              const std::string&) -> std::expected<Answer, Problem> {
        auto query = query_parameters(request.target, kQueryParameters);
        if (!query) return std::unexpected(query.error());
        std::optional<std::string> purpose;
        if (auto in_query = query->find("purpose"); in_query != query->end()) {
          purpose = in_query->second;
        }
        auto answer =
            parts->service.involved(policy, sender, request.body, parts->today(), purpose);
        if (!answer) return std::unexpected(answer.error());
        const auto count = answer->involved.size();
        return Answer{"answered",
                      200,
                      {{"involved", std::move(answer->involved)}},
                      answer->purpose,
                      answer->subject_token,
                      {{"involved", std::to_string(count)}}};
      },
      false);
  if (auto ok = router.add("POST", "/v1/signals", registered); !ok) return ok;
  if (auto ok = router.add("DELETE", "/v1/signals/{id}", withdrawn); !ok) return ok;
  return router.add("POST", "/v1/signals/query", answered, kQueryParameters);
}

}  // namespace schakel::gateway
