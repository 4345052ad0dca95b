#include "cli/policy_explain.hpp"

#include <cstdio>

#include "adapters/codec.hpp"
#include "adapters/formats.hpp"
#include "common/calendar.hpp"
#include "crypto/key_store.hpp"
#include "crypto/pseudonymiser.hpp"
#include "gateway/evaluation.hpp"

namespace schakel::cli {
namespace {

nlohmann::json refused(const Problem& problem) {
  return {{"decision", "refused"},
          {"problem", problem.name()},
          {"status", problem.status()},
          {"detail", problem.detail},
          {"rule", problem.rule}};
}

// The FHIR element that carries a catalogue field ("earlier_incidents.date"),
// when `partner` speaks FHIR; null otherwise.
nlohmann::json fhir_element(const policy::Policy& policy, const policy::Partner& partner,
                            std::string_view field) {
  const auto* mapping = policy.fhir();
  if (partner.format != adapters::FhirCodec::kMediaType || !mapping) return nullptr;
  const auto dot = field.find('.');
  for (const auto& mapped : mapping->fields) {
    if (mapped.field != field.substr(0, dot)) continue;
    if (mapped.element) return mapped.element->text;
    for (const auto& [member, path] : mapped.members) {
      if (dot != std::string_view::npos && member == field.substr(dot + 1)) return path.text;
    }
  }
  return nullptr;
}

}  // namespace

nlohmann::json explain(const policy::Policy& policy, const ExplainRequest& request) {
  const policy::Partner* sender = policy.partner_by_oin(request.sender_oin);
  if (!sender) {
    return refused(make_problem(ProblemKind::kUnknownPartner,
                                request.sender_oin + " is not a partner of this region",
                                policy.region_file() + "#/partners"));
  }
  const adapters::CodecRegistry codecs;
  auto sender_codec = adapters::FormatCodec::of(sender->format, policy, codecs);
  if (!sender_codec) {
    return refused(
        make_problem(ProblemKind::kInternal, sender_codec.error(), sender->rule + "/format"));
  }
  // The message as a partner would send it: the contract's headers and body.
  gateway::Request message{"POST",
                           "/v1/messages",
                           {{"Schakel-Recipient", request.recipient_oin},
                            {"Schakel-Purpose", request.purpose},
                            {"Content-Type", std::string((*sender_codec)->media_type())}},
                           request.message};
  if (request.level) message.headers.emplace_back("Schakel-Level", std::to_string(*request.level));
  auto keys = crypto::KeyStore::ephemeral();  // the form of pseudonyms, never real ones
  const crypto::Pseudonymiser pseudonymiser(keys);
  const gateway::EvaluationContext context{
      policy, codecs, pseudonymiser, request.today.value_or(calendar::today_utc()), {}};
  auto evaluation = gateway::evaluate(context, *sender, message);
  if (evaluation.problem) return refused(*evaluation.problem);
  const auto& decision = evaluation.decision;
  const auto& transformed = evaluation.transformed;
  nlohmann::json fields = nlohmann::json::array();
  for (const auto& action : transformed->actions) {
    fields.push_back(
        {{"field", action.field},
         {"category", action.category},
         {"action", action.action},
         {"rule", action.rule},
         {"sender_element", fhir_element(policy, *sender, action.field)},
         {"recipient_element", action.action == "drop"
                                   ? nullptr
                                   : fhir_element(policy, *decision->recipient, action.field)}});
  }
  const auto* plan = decision->plan;
  nlohmann::json redacted = nullptr;  // masks per kind, when free text was redacted
  if (transformed->redacted) {
    redacted = nlohmann::json::object();
    for (std::size_t kind = 0; kind < policy::kRedactionKinds; ++kind) {
      if (const auto count = transformed->redacted->by_kind[kind]; count > 0) {
        redacted[std::string(policy::to_string(static_cast<policy::RedactionKind>(kind)))] = count;
      }
    }
  }
  return nlohmann::json{
      {"decision", "allowed"},
      {"sender", {{"oin", sender->oin}, {"name", sender->name}, {"role", sender->role}}},
      {"recipient",
       {{"oin", decision->recipient->oin},
        {"name", decision->recipient->name},
        {"role", decision->recipient->role},
        {"pseudonym_domain", decision->recipient->pseudonym_domain}}},
      {"purpose", decision->purpose->id},
      {"legal_bases", decision->purpose->legal_bases},
      {"level", decision->plan->level},
      {"rule", plan->rule},
      {"subject",
       {{"action", plan->subject == policy::SubjectAction::kBsn ? "bsn" : "pseudonymise"},
        {"rule", plan->subject_rule}}},
      {"fields", fields},
      {"unknown_fields_dropped", transformed->unknown_fields_dropped},
      {"unmapped_dropped", evaluation.unmapped_dropped},
      {"dropped_elements", evaluation.dropped_elements},
      {"redacted", redacted},
      {"recipient_receives", nlohmann::json::parse(evaluation.body)},
      {"policy", policy.hash()},
  };
}

std::string explain_text(const nlohmann::json& explanation) {
  std::string out;
  char line[640];
  if (explanation["decision"] == "refused") {
    std::snprintf(line, sizeof line, "REFUSED (%d %s): %s\n  rule: %s\n",
                  explanation["status"].get<int>(),
                  explanation["problem"].get<std::string>().c_str(),
                  explanation["detail"].get<std::string>().c_str(),
                  explanation["rule"].get<std::string>().c_str());
    return line;
  }
  std::snprintf(line, sizeof line,
                "ALLOWED: %s (%s) -> %s (%s), purpose %s, level %d\n  rule: %s\n",
                explanation["sender"]["name"].get<std::string>().c_str(),
                explanation["sender"]["role"].get<std::string>().c_str(),
                explanation["recipient"]["name"].get<std::string>().c_str(),
                explanation["recipient"]["role"].get<std::string>().c_str(),
                explanation["purpose"].get<std::string>().c_str(), explanation["level"].get<int>(),
                explanation["rule"].get<std::string>().c_str());
  out += line;
  std::snprintf(line, sizeof line, "\nsubject: %s (domain %s)\n  rule: %s\n\nfields:\n",
                explanation["subject"]["action"].get<std::string>().c_str(),
                explanation["recipient"]["pseudonym_domain"].get<std::string>().c_str(),
                explanation["subject"]["rule"].get<std::string>().c_str());
  out += line;
  for (const auto& field : explanation["fields"]) {
    const auto rule = field["rule"].get<std::string>();
    const char* why = "";
    if (rule.ends_with("/fields")) {
      why = "  (not named at this level: dropped by default)";
    }
    std::snprintf(line, sizeof line, "  %-30s %-12s %s%s\n",
                  field["field"].get<std::string>().c_str(),
                  field["action"].get<std::string>().c_str(), rule.c_str(), why);
    out += line;
    for (const char* side : {"sender_element", "recipient_element"}) {
      if (!field[side].is_string()) continue;
      out += std::string("      ") + (side[0] == 's' ? "from " : "to   ") +
             field[side].get<std::string>() + "\n";
    }
  }
  if (const auto unknown = explanation["unknown_fields_dropped"].get<std::size_t>(); unknown > 0) {
    out += "  " + std::to_string(unknown) +
           " member(s) outside the guideline's field catalogue: dropped, counted, never named\n";
  }
  if (const auto unmapped = explanation["unmapped_dropped"].get<std::size_t>(); unmapped > 0) {
    out += "  " + std::to_string(unmapped) +
           " value(s) of the sender's document that its format maps nowhere: dropped, counted, "
           "never named\n";
  }
  for (const auto& element : explanation["dropped_elements"]) {
    out += "  dropped, never leaves the gateway: " + element.get<std::string>() + "\n";
  }
  if (const auto& redacted = explanation["redacted"]; redacted.is_object()) {
    std::string counts;
    for (const auto& [kind, count] : redacted.items()) {
      counts += (counts.empty() ? "" : ", ") + kind + ": " + std::to_string(count.get<int>());
    }
    out += "  free text redacted, masks per kind: " + (counts.empty() ? "none" : counts) + "\n";
  }
  out += "\nthe recipient receives (subject pseudonym made with a throwaway key):\n" +
         explanation["recipient_receives"].dump(2) + "\n";
  return out;
}

}  // namespace schakel::cli
