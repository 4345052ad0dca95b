#pragma once
// A refusal or failure on the request path, as RFC 9457 problem details.
// Every stage returns std::expected<T, Problem>; the listener renders it as
// application/problem+json. `detail` and `rule` never carry personal data:
// they name fields, headers and policy rules, never values.
#include <optional>
#include <string>
#include <string_view>

namespace schakel {

enum class ProblemKind {
  kUnknownPartner,
  kUnknownRecipient,
  kPurposeNotPermitted,
  kRoleNotPermitted,
  kLevelNotPermitted,
  kInvalidLevel,
  kInvalidSubject,
  kInvalidField,
  kMalformedBody,
  kBodyTooLarge,
  kHeadersTooLarge,
  kUnsupportedMediaType,
  kMissingHeader,
  kInvalidHeader,
  kNotFound,
  kMethodNotAllowed,
  kAuditUnavailable,
  kRecipientUnreachable,
  kRecipientTimeout,
  kRecipientRejected,
  kRateLimited,
  kMalformedRequest,
  kDuplicateHeader,
  kExpectationFailed,
  kUnsupportedTransferCoding,
  kUnauthorized,
  kUnknownPseudonym,
  kUnsupportedResource,
  kInvalidFhir,
  kTooManyItems,
  kCaseClosed,
  kQueueUnavailable,
  kDuplicateTransaction,
  kNotAnswerable,
  kRecordPending,
  kReidentificationEnded,
  kInternal,
};

struct Problem {
  ProblemKind kind;
  std::string detail;
  std::string rule;  // JSON pointer into the guideline or region file, when a rule refused
  std::optional<int> retry_after_seconds;  // sent as Retry-After when set

  [[nodiscard]] std::string_view name() const;  // e.g. "purpose-not-permitted"
  [[nodiscard]] std::string_view title() const;
  [[nodiscard]] int status() const;
  [[nodiscard]] std::string type_uri() const;  // urn:schakel:problem:<name>
};

[[nodiscard]] Problem make_problem(ProblemKind kind, std::string detail, std::string rule = {});

}  // namespace schakel
