#include "gateway/federation_signals_route.hpp"

#include <memory>

#include "common/log.hpp"
#include "gateway/audited_answer.hpp"
#include "gateway/envelope.hpp"
#include "region/request_body.hpp"

namespace schakel::gateway {
namespace {

// The peer region's gateway the certificate names, speaking for the partner
// its directory lists as the body's partner.oin; nullptr otherwise.
const policy::Partner* peer_sender(const policy::Policy& policy, const PeerIdentity& peer,
                                   const Request& request) {
  const policy::PeerRegion* region = policy.peer_by_gateway_oin(peer.oin);
  if (!region) return nullptr;
  auto body = region::parse_body(request.body);  // strict: a member twice is no answer
  if (!body || !body->contains("partner") || !(*body)["partner"].is_object()) return nullptr;
  const auto& oin = (*body)["partner"].value("oin", nlohmann::json());
  return oin.is_string() ? policy.remote_partner(region->id, oin.get<std::string>()) : nullptr;
}

std::vector<std::pair<std::string, audit::AuditRecord>> match_records(
    const policy::Policy& policy, const policy::Partner& remote, const region::PeerMatches& found) {
  std::vector<std::pair<std::string, audit::AuditRecord>> out;
  for (const auto& [match_id, local] : found.matches) {
    audit::AuditRecord record;
    record.kind = "match";
    record.outcome = "matched";
    record.start_time = record.end_time = log::timestamp_utc();
    record.transaction_id = new_transaction_id();
    record.sender = remote.oin;
    record.recipient = local.partner_oin;
    record.purpose = found.purpose;
    record.policy_hash = policy.hash();
    record.subject_token = found.subject_token;
    record.details = {{"match", match_id},
                      {"signal_a", local.id},
                      {"peer_region", remote.peer},
                      {"crossing", "in"}};
    out.emplace_back(match_id, std::move(record));
  }
  return out;
}

}  // namespace

std::expected<void, std::string> add_federation_signal_routes(Router& router,
                                                              SignalRouteParts given) {
  auto parts = std::make_shared<SignalRouteParts>(std::move(given));
  auto route = [parts](AnswerWork work) {
    return [parts, work = std::move(work)](const PeerIdentity& peer, const Request& request) {
      AnswerParts answer{parts->policy,  parts->audit,        "signal", {}, parts->region_thread,
                         &parts->outbox, parts->wake_notifier};
      answer.identify = peer_sender;
      return audited_answer(std::move(answer), peer, request, work);
    };
  };
  auto matched =
      route([parts](const policy::Policy& policy, const policy::Partner& remote,
                    const Request& request, const std::string&) -> std::expected<Answer, Problem> {
        auto found = parts->service.match_peer_signal(policy, remote, request.body, parts->today());
        if (!found) return std::unexpected(found.error());
        const auto count = found->matches.size();
        return Answer{"peer-signal",
                      200,
                      {{"matches", count}},
                      found->purpose,
                      found->subject_token,
                      {{"peer_region", remote.peer}, {"matches", std::to_string(count)}},
                      {},
                      match_records(policy, remote, *found),
                      count > 0};
      });
  auto notified = route(
      [parts](const policy::Policy& policy, const policy::Partner& remote, const Request& request,
              const std::string& transaction_id) -> std::expected<Answer, Problem> {
        const std::string* recipient = request.header("Schakel-Recipient");
        auto accepted =
            parts->service.accept_peer_match(policy, remote, recipient ? *recipient : std::string(),
                                             request.body, parts->today(), transaction_id);
        if (!accepted) return std::unexpected(accepted.error());
        // One answer whether the partner was involved (notified) or not: no oracle for the peer.
        const bool owed = accepted->notifications > 0;
        return Answer{"peer-match",
                      200,
                      {{"accepted", true}},
                      accepted->purpose,
                      accepted->subject_token,
                      {{"peer_region", remote.peer},
                       {"recipient", *recipient},
                       {"notified", owed ? "yes" : "no: no active signal"}},
                      {},
                      {},
                      owed};
      });
  if (auto ok = router.add("POST", std::string(kFederationSignalsPath), matched); !ok) return ok;
  return router.add("POST", std::string(kFederationNotificationsPath), notified);
}

}  // namespace schakel::gateway
