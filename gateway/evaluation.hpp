#pragma once
// One message evaluated for an identified sender: the stages the gateway's
// pipeline and `schakel policy explain` share, in their one order —
//   envelope -> case -> decode -> subject -> decide -> transform -> encode —
// synchronously, with no I/O of its own. What each stage learned comes back
// as data, also for a refused message (up to the stage that refused), so the
// caller writes the audit record and the reply; nothing here writes either.
// Injected: `today` (age bands, redaction of dates), the key source (the
// pseudonymiser: the gateway's keys, or KeyStore::ephemeral for explain) and
// `admit_subject`, the gateway's per-partner rate limit on pseudonym
// operations. The pseudonymiser may create this month's audit-token key in
// its ring (a file for keys loaded from disk, memory for ephemeral ones).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "adapters/codec.hpp"
#include "common/calendar.hpp"
#include "common/problem.hpp"
#include "crypto/pseudonymiser.hpp"
#include "gateway/envelope.hpp"
#include "gateway/http_types.hpp"
#include "policy/decision.hpp"
#include "policy/model.hpp"
#include "policy/transform.hpp"

namespace schakel::gateway {

struct EvaluationContext {
  const policy::Policy& policy;
  const adapters::CodecRegistry& codecs;
  const crypto::Pseudonymiser& pseudonymiser;
  calendar::Date today;
  // Asked before the subject is resolved; a problem refuses the message.
  std::function<std::optional<Problem>(const policy::Partner& sender)> admit_subject;
  // Asked after the envelope is read, when it names a case: binds the message
  // to a case of the region (gateway/case_binding.hpp) and gives the level it
  // goes at; a problem refuses it, so does a subject other than the case's
  // person. Unset (explain): case references are opaque.
  std::function<std::expected<std::pair<std::optional<int>, std::string>, Problem>(
      const policy::Partner& sender, const Envelope& envelope)>
      bind_case = {};  // the level, and the case's person (signal index pseudonym) or empty
  // Set while re-identification lasts (gateway/escrow.hpp): a person named
  // by BSN whose pseudonym the recipient gets leaves an escrow entry in
  // Evaluation::escrow. Unset (explain): none is made.
  const crypto::EscrowKey* escrow_key = nullptr;
  // Set for a message from a peer region's gateway: what it already did to
  // each field (policy/transform.hpp applies the stricter). Null otherwise.
  const policy::UpstreamActions* upstream = nullptr;
};

struct Evaluation {
  std::optional<Problem> problem;  // set when refused: the stages after it did not run
  std::optional<Envelope> envelope;
  std::size_t unmapped_dropped = 0;           // values of a mapped document no mapping named
  std::vector<std::string> dropped_elements;  // where, when the format's schema names it (FHIR)
  std::optional<std::string> subject_step;    // "pseudonymise" | "translate", once decoded
  std::optional<std::string> subject_token;   // the audit token, once the subject is resolved
  std::optional<policy::Decision> decision;
  std::optional<policy::TransformedMessage> transformed;
  std::string content_type;  // the recipient's format and the body in it, once encoded
  std::string body;
  // Once encoded, for the caller to keep once the message is allowed and recorded.
  std::optional<crypto::EscrowEntry> escrow;

  [[nodiscard]] bool allowed() const { return !problem.has_value(); }
};

// `request`: the contract's headers (envelope, Content-Type) and the body.
[[nodiscard]] Evaluation evaluate(const EvaluationContext& context, const policy::Partner& sender,
                                  const Request& request);

}  // namespace schakel::gateway
