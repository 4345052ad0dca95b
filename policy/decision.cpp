#include "policy/decision.hpp"

namespace schakel::policy {
namespace {

std::string in_quotes(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

std::expected<const Purpose*, Problem> find_purpose(const Policy& policy, std::string_view id) {
  if (const Purpose* purpose = policy.enabled_purpose(id)) return purpose;
  if (policy.guideline_purpose(id)) {
    return std::unexpected(
        make_problem(ProblemKind::kPurposeNotPermitted,
                     "purpose " + in_quotes(id) + " is not enabled in this region",
                     policy.region_file() + "#/purposes"));
  }
  return std::unexpected(make_problem(ProblemKind::kPurposeNotPermitted,
                                      "the guideline defines no such purpose",
                                      policy.guideline_file() + "#/purposes"));
}

std::expected<void, Problem> check_partner(const Purpose& purpose, const Partner& partner,
                                           bool sending) {
  const auto& roles = sending ? purpose.senders : purpose.recipients;
  if (!roles.contains(partner.role)) {
    return std::unexpected(make_problem(ProblemKind::kRoleNotPermitted,
                                        "role " + in_quotes(partner.role) +
                                            (sending ? " may not send" : " may not receive") +
                                            " under purpose " + in_quotes(purpose.id),
                                        purpose.rule + (sending ? "/senders" : "/recipients")));
  }
  if (auto refused = regional_refusal(purpose, partner)) return std::unexpected(*refused);
  return {};
}

// A message crosses the border with one peer region at most, and only under a
// purpose that peer's entry lets cross that way (region file "peers").
std::optional<Problem> crossing_refusal(const Policy& policy, const Purpose& purpose,
                                        const Partner& sender, const Partner& recipient) {
  if (!sender.peer.empty() && !recipient.peer.empty()) {
    return make_problem(ProblemKind::kUnknownRecipient,
                        "a message from a peer region goes to a partner of this region only",
                        policy.region_file() + "#/partners");
  }
  const bool outgoing = !recipient.peer.empty();
  const Partner& remote = outgoing ? recipient : sender;
  if (remote.peer.empty()) return std::nullopt;
  const PeerRegion* peer = policy.peer(remote.peer);
  if (peer && peer->allows(purpose.id, outgoing)) return std::nullopt;
  return make_problem(ProblemKind::kPurposeNotPermitted,
                      "purpose " + in_quotes(purpose.id) + " may not cross " +
                          (outgoing ? "to" : "from") + " peer region " + in_quotes(remote.peer),
                      (peer ? peer->rule : policy.region_file() + "#/peers") + "/purposes");
}

}  // namespace

std::optional<Problem> regional_refusal(const Purpose& purpose, const Partner& partner) {
  // A peer region's partner takes part as far as the peer's entry lets the
  // purpose cross (crossing_refusal); the region's list names its own partners.
  if (!partner.peer.empty()) return std::nullopt;
  if (purpose.partners.empty() || purpose.partners.contains(partner.id)) return std::nullopt;
  return make_problem(ProblemKind::kRoleNotPermitted,
                      "partner " + in_quotes(partner.id) + " does not take part in purpose " +
                          in_quotes(purpose.id) + " in this region",
                      purpose.region_rule + "/partners");
}

std::expected<Decision, Problem> decide(const Policy& policy, const Partner& sender,
                                        std::string_view recipient_oin, std::string_view purpose_id,
                                        std::optional<int> level) {
  Decision decision;
  decision.sender = &sender;
  bool ambiguous = false;
  decision.recipient = policy.recipient_by_oin(recipient_oin, &ambiguous);
  if (ambiguous) {
    return std::unexpected(make_problem(
        ProblemKind::kUnknownRecipient,
        "Schakel-Recipient names a partner that more than one peer region lists; which region is "
        "meant is not resolved by guessing",
        policy.region_file() + "#/peers"));
  }
  if (!decision.recipient) {
    return std::unexpected(
        make_problem(ProblemKind::kUnknownRecipient,
                     "Schakel-Recipient names no partner of this region or of a peer region",
                     policy.region_file() + "#/partners"));
  }
  auto purpose = find_purpose(policy, purpose_id);
  if (!purpose) return std::unexpected(purpose.error());
  decision.purpose = *purpose;
  if (auto ok = check_partner(**purpose, sender, true); !ok) return std::unexpected(ok.error());
  if (auto ok = check_partner(**purpose, *decision.recipient, false); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto refused = crossing_refusal(policy, **purpose, sender, *decision.recipient)) {
    return std::unexpected(*refused);
  }
  const auto& levels = (*purpose)->levels;
  if (levels.empty()) {
    return std::unexpected(
        make_problem(ProblemKind::kLevelNotPermitted,
                     "no level of purpose " + in_quotes(purpose_id) + " is enabled in this region",
                     (*purpose)->region_rule + "/levels"));
  }
  auto it = level ? levels.find(*level) : levels.begin();
  if (it == levels.end()) {
    return std::unexpected(make_problem(
        ProblemKind::kLevelNotPermitted,
        "purpose " + in_quotes(purpose_id) + " allows no level " + std::to_string(*level),
        (*purpose)->rule + "/levels"));
  }
  decision.plan = &it->second;
  return decision;
}

}  // namespace schakel::policy
