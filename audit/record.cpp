#include "audit/record.hpp"

#include "crypto/encoding.hpp"

namespace schakel::audit {

std::string AuditRecord::canonical_body() const {
  nlohmann::json fields_json = nlohmann::json::array();
  for (const auto& entry : fields) {
    fields_json.push_back({{"field", entry.field},
                           {"category", entry.category},
                           {"action", entry.action},
                           {"rule", entry.rule}});
  }
  nlohmann::json body = {
      {"sequence", sequence},
      {"prev_hash", prev_hash},
      {"name", "schakel." + kind},
      {"kind", kind},
      {"outcome", outcome},
      {"status_code", (outcome == "allowed" || outcome == "delivered") ? "OK" : "ERROR"},
      {"start_time", start_time},
      {"end_time", end_time},
      {"trace_id", trace_id},
      {"span_id", span_id},
      {"foreign_operation", foreign_operation},
      {"transaction_id", transaction_id},
      {"sender", sender},
      {"recipient", recipient},
      {"purpose", purpose},
      {"legal_bases", legal_bases},
      {"level", level},
      {"case", case_ref},
      {"policy_hash", policy_hash},
      {"problem", problem},
      {"rule", rule},
      {"fields", fields_json},
      {"recipient_status", recipient_status},
      {"decision_sequence", decision_sequence},
      {"attributes",
       {{"dpl.core.processing_activity_id", processing_activity_id},
        {"dpl.core.data_subject_id", subject_token},
        {"dpl.core.data_subject_id_type", subject_token.empty() ? "" : "schakel-audit-token"}}},
  };
  return body.dump();
}

std::string chain_hash(std::string_view prev_hash, std::string_view body) {
  std::string input;
  input.reserve(prev_hash.size() + 1 + body.size());
  input.append(prev_hash).append("\n").append(body);
  return crypto::sha256_hex(input);
}

}  // namespace schakel::audit
