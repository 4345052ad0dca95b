// Signals across regions (issue 20): SignalService's side of a match between
// a partner of this region and a partner of a peer region. See
// signal_service.hpp; the routes are gateway/federation_signals_route.cpp.
#include <algorithm>

#include <re2/re2.h>

#include "crypto/encoding.hpp"
#include "policy/decision.hpp"
#include "region/request_body.hpp"
#include "region/signal_service.hpp"

namespace schakel::region {
namespace {

using json = nlohmann::json;

std::expected<const policy::Purpose*, Problem> crossing_purpose(const policy::Policy& policy,
                                                                const policy::Partner& remote,
                                                                const json& body) {
  const std::string* id = string_member(body, "purpose");
  if (!id) return std::unexpected(malformed_body("purpose must be a string"));
  const policy::Purpose* purpose = policy.enabled_purpose(*id);
  if (!purpose || !signals_cross(policy, remote.peer, *id)) {
    return std::unexpected(make_problem(
        ProblemKind::kPurposeNotPermitted,
        "signals under this purpose do not cross both ways with peer region " + remote.peer,
        policy.peer(remote.peer) ? policy.peer(remote.peer)->rule + "/purposes"
                                 : policy.region_file() + "#/peers"));
  }
  return purpose;
}

// A functional e-mail address as a contact point (a peer's partners' contact
// points are not in its directory): its form, nothing else.
const std::string* contact_of(const json& body) {
  static const re2::RE2 kContact(
      "[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(\\.[A-Za-z0-9-]{1,63}){1,8}");
  const std::string* contact = string_member(body, "contact");
  return contact && re2::RE2::FullMatch(*contact, kContact) ? contact : nullptr;
}

json about(const policy::Purpose& purpose, const std::string& match_id, const std::string& date,
           const policy::Partner& who, const std::string& contact) {
  return {{"type", "match"},
          {"match", match_id},
          {"purpose", purpose.id},
          {"themes", purpose.themes},
          {"date", date},
          {"partner", {{"oin", who.oin}, {"name", who.name}, {"role", who.role}}},
          {"contact", contact}};
}

// One match between a signal here and one in a peer region has one id, whichever
// gateway finds it (each may, when both asks arrive after both registrations):
// the recipient knows a repeat by it, as it knows a repeated notification.
std::string pair_match_id(const std::string& one, const std::string& other) {
  const std::string hex = crypto::sha256_hex("schakel-peer-match\n" + std::min(one, other) + "\n" +
                                             std::max(one, other));
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

Problem store_failure(const std::string& error) {
  return make_problem(ProblemKind::kAuditUnavailable, "the signal store failed: " + error);
}

// The person a peer's request names (in the pair's transit domain) and this region's active
// signals on them.
struct Involved {
  Person person;
  std::vector<Signal> active;
};
std::expected<Involved, Problem> involved_with(const json& body, const policy::Partner& remote,
                                               calendar::Date today, SignalStore& store,
                                               const crypto::Pseudonymiser& pseudonymiser) {
  // Between gateways the person is a pseudonym of the pair's transit domain, never a BSN.
  const auto subject = body.find("subject");
  if (subject == body.end() || !subject->is_object() || !subject->contains("pseudonym")) {
    return std::unexpected(make_problem(
        ProblemKind::kInvalidSubject,
        "between gateways the person is a pseudonym of the pair's transit domain, never a BSN"));
  }
  auto person = person_of(body, remote, pseudonymiser);
  if (!person) return std::unexpected(person.error());
  auto active = store.active_on(person->index, calendar::format_date(today));
  if (!active) return std::unexpected(store_failure(active.error()));
  return Involved{std::move(*person), std::move(*active)};
}

const re2::RE2& signal_id_pattern() {
  static const re2::RE2 kId("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  return kId;
}

}  // namespace

bool signals_cross(const policy::Policy& policy, std::string_view peer, std::string_view purpose) {
  const policy::PeerRegion* region = policy.peer(peer);
  return region && region->allows(purpose, true) && region->allows(purpose, false);
}

std::expected<std::size_t, Problem> SignalService::ask_peers(const policy::Policy& policy,
                                                             const policy::Partner& sender,
                                                             const Signal& signal,
                                                             const std::string& held_by) const {
  std::vector<Notification> asks;
  for (const auto& peer : policy.peers()) {
    if (!signals_cross(policy, peer.id, signal.purpose)) continue;
    const json body = {{"type", "peer-signal"},
                       {"purpose", signal.purpose},
                       {"contact", signal.contact},
                       {"signal", signal.id},
                       {"partner", {{"oin", sender.oin}}}};
    asks.push_back({0, peer.gateway_oin, "peer-signal", body.dump(), signal.subject_index,
                    signal.id, 0, 0, held_by});
  }
  if (asks.empty()) return 0;
  if (auto owed = store_.owe(asks); !owed) return std::unexpected(store_failure(owed.error()));
  return asks.size();
}

std::expected<PeerMatches, Problem> SignalService::match_peer_signal(const policy::Policy& policy,
                                                                     const policy::Partner& remote,
                                                                     std::string_view text,
                                                                     calendar::Date today) const {
  auto body = parse_body(text);
  if (!body) return std::unexpected(body.error());
  if (auto extra =
          only_members(*body, {"type", "purpose", "contact", "signal", "partner", "subject"})) {
    return std::unexpected(*extra);
  }
  auto purpose = crossing_purpose(policy, remote, *body);
  if (!purpose) return std::unexpected(purpose.error());
  const std::string* contact = contact_of(*body);
  if (!contact) return std::unexpected(malformed_body("contact must be a functional address"));
  const std::string* remote_signal = string_member(*body, "signal");
  if (!remote_signal || !re2::RE2::FullMatch(*remote_signal, signal_id_pattern())) {
    return std::unexpected(malformed_body("signal must be the peer's signal id"));
  }
  auto involved = involved_with(*body, remote, today, store_, pseudonymiser_);
  if (!involved) return std::unexpected(involved.error());
  const auto& [person, active] = *involved;
  PeerMatches out{{}, person.token, (*purpose)->id};
  std::vector<Notification> owed;
  const std::string date = calendar::format_date(today);
  const std::string& region = policy.peer(remote.peer)->region;
  for (const auto& signal : active) {
    const policy::Partner* local = policy.partner_by_oin(signal.partner_oin);
    if (signal.purpose != (*purpose)->id || !local || policy::regional_refusal(**purpose, *local) ||
        !(*purpose)->matching.contains(std::pair(local->role, remote.role))) {
      continue;
    }
    const std::string match_id = pair_match_id(signal.id, *remote_signal);
    json to_local = about(**purpose, match_id, date, remote, *contact);
    to_local["region"] = region;
    json to_remote = about(**purpose, match_id, date, *local, signal.contact);
    to_remote["via"] = remote.peer;  // which peer's partner: read by the Notifier, not sent
    owed.push_back({0, local->oin, "match", to_local.dump(), person.index,
                    std::string(kPeerMatchReference) + match_id, 0, 0, match_id});
    owed.push_back({0, remote.oin, "peer-match", to_remote.dump(), person.index,
                    std::string(kPeerMatchReference) + match_id, 0, 0, match_id});
    out.matches.push_back({match_id, signal});
  }
  if (!owed.empty()) {
    if (auto stored = store_.owe(owed); !stored) {
      return std::unexpected(store_failure(stored.error()));
    }
  }
  out.notifications = owed.size();
  return out;
}

std::expected<PeerMatches, Problem> SignalService::accept_peer_match(
    const policy::Policy& policy, const policy::Partner& remote, const std::string& recipient_oin,
    std::string_view text, calendar::Date today, const std::string& held_by) const {
  auto body = parse_body(text);
  if (!body) return std::unexpected(body.error());
  if (auto extra = only_members(
          *body, {"type", "match", "purpose", "themes", "date", "partner", "contact", "subject"})) {
    return std::unexpected(*extra);
  }
  auto purpose = crossing_purpose(policy, remote, *body);
  if (!purpose) return std::unexpected(purpose.error());
  const policy::Partner* recipient = policy.partner_by_oin(recipient_oin);
  if (!recipient) {
    return std::unexpected(make_problem(ProblemKind::kUnknownRecipient,
                                        "Schakel-Recipient names no partner of this region",
                                        policy.region_file() + "#/partners"));
  }
  if (policy::regional_refusal(**purpose, *recipient) ||
      !(*purpose)->matching.contains(std::pair(recipient->role, remote.role))) {
    return std::unexpected(make_problem(
        ProblemKind::kRoleNotPermitted,
        "this region's pairs of purpose " + (*purpose)->id + " do not match these roles",
        (*purpose)->matching_rule));
  }
  const std::string* match_id = string_member(*body, "match");
  const std::string* contact = contact_of(*body);
  if (!match_id || !re2::RE2::FullMatch(*match_id, signal_id_pattern()) || !contact) {
    return std::unexpected(malformed_body("a match has its id and a functional contact address"));
  }
  auto involved = involved_with(*body, remote, today, store_, pseudonymiser_);
  if (!involved) return std::unexpected(involved.error());
  const auto& [person, active] = *involved;
  const bool has_signal = std::ranges::any_of(active, [&](const Signal& signal) {
    return signal.partner_oin == recipient->oin && signal.purpose == (*purpose)->id;
  });
  if (!has_signal) return PeerMatches{{}, person.token, (*purpose)->id, 0};
  json to_local = about(**purpose, *match_id, calendar::format_date(today), remote, *contact);
  to_local["region"] = policy.peer(remote.peer)->region;
  auto owed = store_.owe({{0, recipient->oin, "match", to_local.dump(), person.index,
                           std::string(kPeerMatchReference) + *match_id, 0, 0, held_by}});
  if (!owed) return std::unexpected(store_failure(owed.error()));
  return PeerMatches{{}, person.token, (*purpose)->id, 1};
}

}  // namespace schakel::region
