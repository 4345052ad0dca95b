#include "gateway/evaluation.hpp"

#include "adapters/formats.hpp"

namespace schakel::gateway {
namespace {

// The stages, each filling in `out` or returning the problem that refuses.
std::optional<Problem> run(const EvaluationContext& context, const policy::Partner& sender,
                           const Request& request, Evaluation& out) {
  const policy::Policy& policy = context.policy;
  // 1. read envelope
  auto envelope = read_envelope(request);
  if (!envelope) return envelope.error();
  out.envelope = std::move(*envelope);
  // 1b. a message bound to a case goes at most at the case's level, between its participants
  std::string case_person;  // the case's person, when the message is bound to one
  if (context.bind_case && !out.envelope->case_ref.empty()) {
    auto bound = context.bind_case(sender, *out.envelope);
    if (!bound) return bound.error();
    out.envelope->level = bound->first;
    case_person = std::move(bound->second);
  }
  // 2. decode, in the sender's format (region file), which the Content-Type must name
  auto codec = adapters::FormatCodec::of(sender.format, policy, context.codecs);
  if (!codec) return make_problem(ProblemKind::kInternal, codec.error(), sender.rule + "/format");
  const std::string* content_type = request.header("Content-Type");
  if (!content_type || !adapters::names_media_type(*content_type, (*codec)->media_type())) {
    return make_problem(ProblemKind::kUnsupportedMediaType,
                        "Content-Type must be " + std::string((*codec)->media_type()) +
                            " in UTF-8: the format the region file gives this partner",
                        sender.rule + "/format");
  }
  auto message = (*codec)->decode(request.body);
  if (!message) return message.error();
  out.unmapped_dropped = message->unmapped_dropped;
  out.dropped_elements = message->dropped_elements;
  // 3. resolve subject (11-check or pseudonym of the sender's domain)
  if (context.admit_subject) {
    if (auto refused = context.admit_subject(sender)) return refused;
  }
  out.subject_step =
      message->subject.kind == policy::SubjectId::Kind::kBsn ? "pseudonymise" : "translate";
  auto subject = policy::resolve_subject(message->subject, sender, context.pseudonymiser);
  if (!subject) return subject.error();
  if (!case_person.empty()) {
    auto index = context.pseudonymiser.pseudonym_at(*subject, policy::kSignalIndexDomain,
                                                    policy::kSignalIndexEpoch);
    if (!index || *index != case_person) {
      return make_problem(ProblemKind::kInvalidSubject,
                          "the message is about another person than its Schakel-Case");
    }
  }
  auto token = context.pseudonymiser.audit_token(*subject);
  if (!token) {
    return make_problem(ProblemKind::kAuditUnavailable,
                        "the audit key of this month cannot be created");
  }
  out.subject_token = std::move(*token);
  // 4. decide
  auto decision = policy::decide(policy, sender, out.envelope->recipient_oin, out.envelope->purpose,
                                 out.envelope->level);
  if (!decision) return decision.error();
  out.decision = *decision;
  // 5. transform
  auto transformed =
      policy::Transformer(context.pseudonymiser)
          .apply(policy, *decision, *message, *subject, context.today, context.upstream);
  if (!transformed) return transformed.error();
  // 6. encode for the recipient
  auto encoder = adapters::FormatCodec::of(decision->recipient->format, policy, context.codecs);
  if (!encoder) {
    return make_problem(ProblemKind::kInternal, encoder.error(),
                        decision->recipient->rule + "/format");
  }
  auto body = (*encoder)->encode(transformed->message);
  if (!body) return body.error();
  out.content_type = std::string((*encoder)->media_type());
  out.body = std::move(*body);
  if (context.escrow_key && !transformed->subject_as_bsn) {
    out.escrow = context.pseudonymiser.escrow_entry(*subject, *context.escrow_key);
  }
  out.transformed = std::move(*transformed);
  return std::nullopt;
}

}  // namespace

Evaluation evaluate(const EvaluationContext& context, const policy::Partner& sender,
                    const Request& request) {
  Evaluation out;
  out.problem = run(context, sender, request, out);
  return out;
}

}  // namespace schakel::gateway
