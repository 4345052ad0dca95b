#pragma once
// One audit record: a decision (allowed or refused) or a delivery outcome.
// Aligned with the Logboek Dataverwerkingen (trace_id, span_id, name, start
// and end time, status_code, dpl.core.* attributes). Holds field names,
// categories, actions and a keyed subject token — never a value or a BSN.
// The store assigns sequence and prev_hash; the hash covers canonical_body().
#include <cstdint>
#include <expected>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace schakel::audit {

inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

struct FieldEntry {
  std::string field;
  std::string category;
  std::string action;
  std::string rule;
};

struct AuditRecord {
  std::string kind;     // "decision" | "delivery" | "key-event" | "policy-reload"
  std::string outcome;  // decision: "allowed" | "refused"; delivery: "delivered" | "failed"
  std::string start_time;
  std::string end_time;
  std::string transaction_id;
  std::string trace_id;
  std::string span_id;
  std::string foreign_operation;  // the caller's traceparent, if any
  std::string sender;             // OIN
  std::string recipient;          // OIN
  std::string purpose;
  std::string processing_activity_id;
  std::vector<std::string> legal_bases;
  int level = 0;
  std::string case_ref;
  std::string policy_hash;
  std::string problem;  // problem name when refused or failed
  std::string rule;     // the rule that refused
  std::string subject_token;
  std::vector<FieldEntry> fields;
  int recipient_status = 0;
  std::uint64_t decision_sequence = 0;  // for a delivery record: its decision
  // Other facts of key events, policy reloads and checkpoints (never personal data).
  std::map<std::string, std::string> details;

  // Assigned by the store when appended.
  std::uint64_t sequence = 0;
  std::string prev_hash;

  // The bytes the hash chain covers: sorted-key JSON of everything above.
  [[nodiscard]] std::string canonical_body() const;
};

// The record whose canonical_body() `body` is, but for sequence and
// prev_hash (the store assigns them anew): how a record held outside the
// trail (region/record_outbox.hpp) comes back. An error names the member
// that is missing or not of its type.
[[nodiscard]] std::expected<AuditRecord, std::string> record_from_body(std::string_view body);

// Whether the record can be written: every text in it is valid UTF-8 (the
// canonical body is JSON). The audit log refuses a record that is not, at once.
[[nodiscard]] bool is_writable(const AuditRecord& record);

// A record of an operator or gateway event — key event, policy reload, prune —
// stamped now; it names no subject and no fields.
[[nodiscard]] AuditRecord event_record(std::string kind, std::string outcome,
                                       std::map<std::string, std::string> details);

// SHA-256 (hex) over prev_hash and the canonical body; the chain's link.
[[nodiscard]] std::string chain_hash(std::string_view prev_hash, std::string_view body);

}  // namespace schakel::audit
