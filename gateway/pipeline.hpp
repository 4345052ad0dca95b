#pragma once
// The path of one message through the gateway, stage by stage: identify
// sender -> read envelope -> bind to its case (case_binding.hpp) -> decode -> resolve subject
// (rate-limited per partner) -> decide -> transform -> encode -> audit (durable; no record, no
// forwarding) -> forward -> audit delivery (durable before the reply: a
// receipt says only what the trail says) -> reply. The list lives in
// Pipeline::prepare() (sender), evaluate() in evaluation.hpp (envelope to
// encode, shared with `policy explain`) and Pipeline::handle() (audit,
// forward, reply), nowhere else.
// One difference from DESIGN.md's drawing, which audits before it encodes:
// here encode comes first, so a message the recipient's format cannot carry
// is refused (and audited as refused) instead of being recorded as allowed
// and then failing. Either way nothing is forwarded before its record is
// durable, and the record describes exactly the bytes that are forwarded.
//
// Every decision, refusals included, has its audit record before the reply —
// except the refusals of a certificate that is no partner beyond its small
// rate (60 a minute): those are answered 429 and counted, never written, so
// no stranger can flood the trail (throttle_stranger, asked by the partner
// listener before it routes: the region's endpoints are covered alike).
// A sender that prefers respond-async (RFC 7240, prefer.hpp) gets its message
// queued instead of forwarded (message_queueing.hpp: the stage queue, after
// the decision record) and a 202 with the transaction id; the Courier
// delivers it.
// Once an allowed message's record is durable, a person it named by BSN
// leaves an entry in the re-identification escrow (escrow.hpp), when one is given.
// A message to a peer region's partner (issue 20) is decided and recorded
// here as any other, then forwarded to that region's gateway with the
// sender's OIN, the recipient's and what was done to each field
// (Schakel-Field-Actions), the person as a pseudonym of the pair's transit
// domain unless the purpose passes the BSN; queued (respond-async) it is no
// handover here (the partner answers at its own region's gateway), and a
// Schakel-Case never crosses (cases are a region's own). A
// message from a peer region's gateway (Entry::kPeerGateway, POST
// /v1/federation/messages) is identified by the peer's gateway certificate
// and the Schakel-Sender its directory lists, then decided again under this
// region's narrowing, the stricter per field winning (the peer's claims are
// checked, policy/transform.hpp), and delivered at once (the sending gateway
// queues, if anyone does). From a peer the person is a transit pseudonym, a
// BSN only where the guideline passes it at that level; no Schakel-Case.
// Both trails hold the one Fsc-Transaction-Id; each its own decision.
// Never throws: every failure becomes a problem+json reply.
#include <expected>
#include <optional>

#include <boost/asio/awaitable.hpp>

#include "adapters/codec.hpp"
#include "audit/audit_log.hpp"
#include "crypto/pseudonymiser.hpp"
#include "gateway/envelope.hpp"
#include "gateway/escrow.hpp"
#include "gateway/forwarder.hpp"
#include "gateway/http_types.hpp"
#include "gateway/message_queueing.hpp"
#include "gateway/metrics.hpp"
#include "gateway/peer_identity.hpp"
#include "gateway/policy_holder.hpp"
#include "gateway/rate_limiter.hpp"
#include "policy/transform.hpp"
#include "region/case_store.hpp"

namespace schakel::gateway {

// Who speaks: a partner of this region, or a peer region's gateway for one of its partners.
enum class Entry { kPartner, kPeerGateway };

class Pipeline {
 public:
  Pipeline(const PolicyHolder& policy, const crypto::Pseudonymiser& pseudonymiser,
           const adapters::CodecRegistry& codecs, audit::AuditLog& audit, Forwarder& forwarder,
           Metrics& metrics, RateLimit pseudonym_limit = {}, region::CaseStore* cases = nullptr,
           MessageQueueing* queueing = nullptr, Escrow* escrow = nullptr);

  [[nodiscard]] boost::asio::awaitable<Response> handle(const PeerIdentity& peer,
                                                        const Request& request,
                                                        Entry entry = Entry::kPartner);
  // A request refused before it was read whole (body or headers too large):
  // audited with what is known, then answered.
  [[nodiscard]] boost::asio::awaitable<Response> refuse_unread(const PeerIdentity& peer,
                                                               const Request& head,
                                                               const Problem& problem);
  // A certificate that is no partner, past its rate (60 a minute, burst 10
  // per OIN): the 429 to answer without a record — on every route of the
  // partner listener, which asks before routing. nullopt: go on.
  [[nodiscard]] std::optional<Response> throttle_stranger(const PeerIdentity& peer);

 private:
  struct Exchange;
  struct Prepared;
  struct Sender;

  [[nodiscard]] std::optional<Problem> admit_subject(const policy::Partner& sender) const;
  [[nodiscard]] Exchange begin(const PeerIdentity& peer, const Request& request) const;
  [[nodiscard]] std::expected<Sender, Problem> identify(Exchange& exchange,
                                                        const PeerIdentity& peer,
                                                        const Request& request, Entry entry) const;
  [[nodiscard]] std::expected<Prepared, Problem> prepare(Exchange& exchange,
                                                         const PeerIdentity& peer,
                                                         const Request& request, Entry entry) const;
  [[nodiscard]] boost::asio::awaitable<Response> refuse(Exchange& exchange, const Problem& problem);
  [[nodiscard]] boost::asio::awaitable<Response> queue(Exchange& exchange, Prepared& prepared,
                                                       std::uint64_t decision_sequence);
  [[nodiscard]] boost::asio::awaitable<std::expected<std::uint64_t, std::string>> append(
      const audit::AuditRecord& record);
  [[nodiscard]] static audit::AuditRecord delivery_record_of(
      const Exchange& exchange, std::uint64_t decision_sequence,
      const std::expected<DeliveryOutcome, Problem>& outcome);

  const PolicyHolder& policy_;
  const crypto::Pseudonymiser& pseudonymiser_;
  const adapters::CodecRegistry& codecs_;
  audit::AuditLog& audit_;
  Forwarder& forwarder_;
  Metrics& metrics_;
  mutable RateLimiter pseudonym_limiter_;
  region::CaseStore* cases_;   // binds Schakel-Case to the region's cases; null: none
  MessageQueueing* queueing_;  // respond-async; null: every message is forwarded at once
  Escrow* escrow_;             // null: no re-identification escrow
  RateLimiter stranger_limiter_{RateLimit{60, 10}};  // per certificate OIN that is no partner
};

}  // namespace schakel::gateway
