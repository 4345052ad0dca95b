#include "audit/record.hpp"

#include <algorithm>

#include "common/log.hpp"
#include "common/text.hpp"
#include "crypto/encoding.hpp"

namespace schakel::audit {

// Built member by member: nlohmann's initializer lists copy every node,
// which made this the costliest step of an append.
std::string AuditRecord::canonical_body() const {
  nlohmann::json fields_json = nlohmann::json::array();
  for (const auto& entry : fields) {
    nlohmann::json item = nlohmann::json::object();
    item["field"] = entry.field;
    item["category"] = entry.category;
    item["action"] = entry.action;
    item["rule"] = entry.rule;
    fields_json.push_back(std::move(item));
  }
  nlohmann::json attributes = nlohmann::json::object();
  attributes["dpl.core.processing_activity_id"] = processing_activity_id;
  attributes["dpl.core.data_subject_id"] = subject_token;
  attributes["dpl.core.data_subject_id_type"] = subject_token.empty() ? "" : "schakel-audit-token";
  nlohmann::json body = nlohmann::json::object();
  body["sequence"] = sequence;
  body["prev_hash"] = prev_hash;
  body["name"] = "schakel." + kind;
  body["kind"] = kind;
  body["outcome"] = outcome;
  body["status_code"] = (outcome == "refused" || outcome == "failed") ? "ERROR" : "OK";
  body["start_time"] = start_time;
  body["end_time"] = end_time;
  body["trace_id"] = trace_id;
  body["span_id"] = span_id;
  body["foreign_operation"] = foreign_operation;
  body["transaction_id"] = transaction_id;
  body["sender"] = sender;
  body["recipient"] = recipient;
  body["purpose"] = purpose;
  body["legal_bases"] = legal_bases;
  body["level"] = level;
  body["case"] = case_ref;
  body["policy_hash"] = policy_hash;
  body["problem"] = problem;
  body["rule"] = rule;
  body["fields"] = std::move(fields_json);
  body["recipient_status"] = recipient_status;
  body["decision_sequence"] = decision_sequence;
  body["details"] = details;
  body["attributes"] = std::move(attributes);
  return body.dump();
}

bool is_writable(const AuditRecord& record) {
  for (const std::string* text :
       {&record.kind, &record.outcome, &record.start_time, &record.end_time, &record.transaction_id,
        &record.trace_id, &record.span_id, &record.foreign_operation, &record.sender,
        &record.recipient, &record.purpose, &record.processing_activity_id, &record.case_ref,
        &record.policy_hash, &record.problem, &record.rule, &record.subject_token}) {
    if (!is_valid_utf8(*text)) return false;
  }
  const auto valid = [](const std::string& text) { return is_valid_utf8(text); };
  if (!std::ranges::all_of(record.legal_bases, valid)) return false;
  for (const auto& entry : record.fields) {
    if (!valid(entry.field) || !valid(entry.category) || !valid(entry.action) ||
        !valid(entry.rule)) {
      return false;
    }
  }
  return std::ranges::all_of(record.details,
                             [&](const auto& item) { return valid(item.first) && valid(item.second); });
}

AuditRecord event_record(std::string kind, std::string outcome,
                         std::map<std::string, std::string> details) {
  AuditRecord record;
  record.kind = std::move(kind);
  record.outcome = std::move(outcome);
  record.start_time = record.end_time = log::timestamp_utc();
  record.details = std::move(details);
  return record;
}

std::string chain_hash(std::string_view prev_hash, std::string_view body) {
  std::string input;
  input.reserve(prev_hash.size() + 1 + body.size());
  input.append(prev_hash).append("\n").append(body);
  return crypto::sha256_hex(input);
}

}  // namespace schakel::audit
