#include "audit/record.hpp"

#include <algorithm>
#include <initializer_list>
#include <type_traits>
#include <utility>

#include "audit/canonical_writer.hpp"
#include "common/log.hpp"
#include "common/text.hpp"
#include "crypto/encoding.hpp"

namespace schakel::audit {

// Written without a DOM (canonical_writer.hpp), members sorted by name: the
// bytes nlohmann::json's dump() gave for the same record, at a fraction of
// the cost (record_test.cpp holds the DOM version as its oracle).
std::string AuditRecord::canonical_body() const {
  std::string out;
  out.reserve(1024 + fields.size() * 128);
  CanonicalWriter w(out);
  const bool error = outcome == "refused" || outcome == "failed";
  w.begin_object();
  w.key("attributes");
  w.begin_object();
  w.member("dpl.core.data_subject_id", subject_token);
  w.member("dpl.core.data_subject_id_type", subject_token.empty() ? "" : "schakel-audit-token");
  w.member("dpl.core.processing_activity_id", processing_activity_id);
  w.end_object();
  w.member("case", case_ref);
  w.key("decision_sequence");
  w.number(decision_sequence);
  w.key("details");
  w.begin_object();
  for (const auto& [name, value] : details) w.member(name, value);
  w.end_object();
  w.member("end_time", end_time);
  w.key("fields");
  w.begin_array();
  for (const auto& entry : fields) {
    w.begin_object();
    w.member("action", entry.action);
    w.member("category", entry.category);
    w.member("field", entry.field);
    w.member("rule", entry.rule);
    w.end_object();
  }
  w.end_array();
  w.member("foreign_operation", foreign_operation);
  w.member("kind", kind);
  w.key("legal_bases");
  w.begin_array();
  for (const auto& basis : legal_bases) w.string(basis);
  w.end_array();
  w.key("level");
  w.number(std::int64_t{level});
  w.member("name", "schakel." + kind);
  w.member("outcome", outcome);
  w.member("policy_hash", policy_hash);
  w.member("prev_hash", prev_hash);
  w.member("problem", problem);
  w.member("purpose", purpose);
  w.member("recipient", recipient);
  w.key("recipient_status");
  w.number(std::int64_t{recipient_status});
  w.member("rule", rule);
  w.member("sender", sender);
  w.key("sequence");
  w.number(sequence);
  w.member("span_id", span_id);
  w.member("start_time", start_time);
  w.member("status_code", error ? "ERROR" : "OK");
  w.member("trace_id", trace_id);
  w.member("transaction_id", transaction_id);
  w.end_object();
  return out;
}

std::expected<AuditRecord, std::string> record_from_body(std::string_view body) {
  using json = nlohmann::json;
  const json in = json::parse(body, nullptr, false);
  if (!in.is_object()) return std::unexpected(std::string("a held record is not a JSON object"));
  AuditRecord out;
  std::string missing;
  auto text = [&](const json& from, const char* name, std::string& into) {
    const auto found = from.find(name);
    if (found == from.end() || !found->is_string()) {
      missing = name;
      return;
    }
    into = found->get<std::string>();
  };
  auto number = [&](const char* name, auto& into) {
    const auto found = in.find(name);
    if (found == in.end() || !found->is_number_integer()) {
      missing = name;
      return;
    }
    into = found->get<std::remove_reference_t<decltype(into)>>();
  };
  const auto attributes = in.find("attributes");
  if (attributes == in.end() || !attributes->is_object())
    return std::unexpected(std::string("a held record lacks attributes"));
  text(*attributes, "dpl.core.data_subject_id", out.subject_token);
  text(*attributes, "dpl.core.processing_activity_id", out.processing_activity_id);
  for (const auto& [name, into] : std::initializer_list<std::pair<const char*, std::string*>>{
           {"case", &out.case_ref},
           {"end_time", &out.end_time},
           {"foreign_operation", &out.foreign_operation},
           {"kind", &out.kind},
           {"outcome", &out.outcome},
           {"policy_hash", &out.policy_hash},
           {"problem", &out.problem},
           {"purpose", &out.purpose},
           {"recipient", &out.recipient},
           {"rule", &out.rule},
           {"sender", &out.sender},
           {"span_id", &out.span_id},
           {"start_time", &out.start_time},
           {"trace_id", &out.trace_id},
           {"transaction_id", &out.transaction_id}}) {
    text(in, name, *into);
  }
  number("decision_sequence", out.decision_sequence);
  number("level", out.level);
  number("recipient_status", out.recipient_status);
  try {
    out.details = in.at("details").get<std::map<std::string, std::string>>();
    out.legal_bases = in.at("legal_bases").get<std::vector<std::string>>();
    for (const auto& entry : in.at("fields")) {
      out.fields.push_back(
          {entry.at("field"), entry.at("category"), entry.at("action"), entry.at("rule")});
    }
  } catch (const json::exception&) {
    missing = "details, legal_bases or fields";
  }
  if (!missing.empty()) return std::unexpected("a held record lacks " + missing);
  return out;
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
  return std::ranges::all_of(
      record.details, [&](const auto& item) { return valid(item.first) && valid(item.second); });
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
