#include "cli/audit_report.hpp"

#include "common/text.hpp"

#include <cstdio>
#include <map>
#include <set>

#include "common/log.hpp"

namespace schakel::cli {
namespace {

std::string text_of(const nlohmann::json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

nlohmann::json partner_json(const policy::Policy& policy, const std::string& oin) {
  const auto* partner = policy.partner_by_oin(oin);
  return {{"oin", oin}, {"name", partner ? partner->name : "(no longer a partner)"}};
}

nlohmann::json categories_of(const policy::Policy& policy, const nlohmann::json& fields) {
  std::set<std::string> ids;
  for (const auto& field : fields) {
    if (text_of(field, "action") != "drop" && !text_of(field, "category").empty()) {
      ids.insert(text_of(field, "category"));
    }
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& id : ids) {
    const auto* category = policy.category(id);
    out.push_back({{"id", id},
                   {"title", category ? category->title : id},
                   {"gdpr_article", category ? category->gdpr_article : ""}});
  }
  return out;
}

std::string escape(const std::string& text) {
  return html_escape(text);
}

}  // namespace

std::string records_table(const std::vector<audit::QueriedRecord>& records) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-8s %-24s %-10s %-9s %-20s %-20s %s\n", "SEQ", "TIME", "KIND",
                "OUTCOME", "SENDER", "RECIPIENT", "PURPOSE / RULE");
  out += line;
  for (const auto& record : records) {
    const auto& body = record.body;
    std::string purpose = text_of(body, "purpose");
    if (!text_of(body, "rule").empty()) purpose += "  (" + text_of(body, "rule") + ")";
    std::snprintf(line, sizeof line, "%-8llu %-24s %-10s %-9s %-20s %-20s %s\n",
                  static_cast<unsigned long long>(record.sequence),
                  text_of(body, "start_time").c_str(), text_of(body, "kind").c_str(),
                  text_of(body, "outcome").c_str(), text_of(body, "sender").c_str(),
                  text_of(body, "recipient").c_str(), purpose.c_str());
    out += line;
  }
  out += std::to_string(records.size()) + " record(s)\n";
  return out;
}

nlohmann::json subject_access_report(const policy::Policy& policy,
                                     const std::vector<audit::QueriedRecord>& records) {
  std::map<std::uint64_t, std::string> delivery_outcomes;  // by decision sequence
  for (const auto& record : records) {
    if (text_of(record.body, "kind") == "delivery") {
      delivery_outcomes[record.body.value("decision_sequence", std::uint64_t{0})] =
          text_of(record.body, "outcome");
    }
  }
  nlohmann::json disclosures = nlohmann::json::array();
  int refused = 0;
  for (const auto& record : records) {
    const auto& body = record.body;
    if (text_of(body, "kind") != "decision") continue;
    if (text_of(body, "outcome") != "allowed") {
      ++refused;
      continue;
    }
    const std::string purpose_id = text_of(body, "purpose");
    const auto* purpose = policy.guideline_purpose(purpose_id);
    auto outcome = delivery_outcomes.find(record.sequence);
    disclosures.push_back({
        {"time", text_of(body, "start_time")},
        {"sender", partner_json(policy, text_of(body, "sender"))},
        {"recipient", partner_json(policy, text_of(body, "recipient"))},
        {"purpose", purpose_id},
        {"purpose_title", purpose ? purpose->title : purpose_id},
        {"legal_bases", body.value("legal_bases", nlohmann::json::array())},
        {"level", body.value("level", 0)},
        {"categories", categories_of(policy, body.value("fields", nlohmann::json::array()))},
        {"delivered", outcome != delivery_outcomes.end() && outcome->second == "delivered"},
        {"transaction_id", text_of(body, "transaction_id")},
    });
  }
  // The region's own work about the person: signals, matches, cases (issue 14).
  nlohmann::json region_work = nlohmann::json::array();
  for (const auto& record : records) {
    const auto& body = record.body;
    const std::string kind = text_of(body, "kind");
    if (kind != "signal" && kind != "match" && kind != "case" && kind != "handover") continue;
    if (text_of(body, "outcome") == "refused") continue;
    nlohmann::json item = {{"time", text_of(body, "start_time")},
                           {"kind", kind},
                           {"outcome", text_of(body, "outcome")},
                           {"partner", partner_json(policy, text_of(body, "sender"))},
                           {"purpose", text_of(body, "purpose")}};
    if (kind == "match") item["other"] = partner_json(policy, text_of(body, "recipient"));
    if (kind == "case") item["case"] = text_of(body, "case");
    region_work.push_back(std::move(item));
  }
  // Every request to turn a pseudonym of the person back into the BSN,
  // granted or refused (issue 15).
  nlohmann::json reidentifications = nlohmann::json::array();
  for (const auto& record : records) {
    const auto& body = record.body;
    if (text_of(body, "kind") != "reidentification") continue;
    reidentifications.push_back({{"time", text_of(body, "start_time")},
                                 {"partner", partner_json(policy, text_of(body, "sender"))},
                                 {"purpose", text_of(body, "purpose")},
                                 {"outcome", text_of(body, "outcome")},
                                 {"problem", text_of(body, "problem")}});
  }
  return {{"generated", log::timestamp_utc()}, {"region", policy.region_name()},
          {"disclosures", disclosures},        {"refused_requests", refused},
          {"region_work", region_work},        {"reidentifications", reidentifications}};
}

std::string subject_access_html(const nlohmann::json& report, const std::string& stylesheet) {
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\">"
      "<title>Inzageverzoek — verstrekkingen</title>";
  html += stylesheet.empty()
              ? std::string(
                    "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:"
                    "collapse}td,th{border:1px solid #999;padding:.3em .6em;text-align:"
                    "left;vertical-align:top}</style>")
              : "<link rel=\"stylesheet\" href=\"" + escape(stylesheet) + "\">";
  html += "</head><body>\n<h1>Verstrekkingen over u (data-subject access report)</h1>\n";
  html += "<p>Regio: " + escape(report["region"].get<std::string>()) +
          ". Opgesteld: " + escape(report["generated"].get<std::string>()) + ".</p>\n";
  html +=
      "<table><thead><tr><th>Wanneer</th><th>Van</th><th>Aan</th><th>Doel</th>"
      "<th>Grondslag</th><th>Categorieën gegevens</th><th>Afgeleverd</th></tr></thead><tbody>\n";
  for (const auto& item : report["disclosures"]) {
    std::string bases, categories;
    for (const auto& basis : item["legal_bases"])
      bases += escape(basis.get<std::string>()) + "<br>";
    for (const auto& category : item["categories"]) {
      categories += escape(category["title"].get<std::string>()) + "<br>";
    }
    html += "<tr><td>" + escape(item["time"].get<std::string>()) + "</td><td>" +
            escape(item["sender"]["name"].get<std::string>()) + "</td><td>" +
            escape(item["recipient"]["name"].get<std::string>()) + "</td><td>" +
            escape(item["purpose_title"].get<std::string>()) + "</td><td>" + bases + "</td><td>" +
            categories + "</td><td>" + (item["delivered"].get<bool>() ? "ja" : "nee") +
            "</td></tr>\n";
  }
  html += "</tbody></table>\n<p>Geweigerde verzoeken (niets verstrekt): " +
          std::to_string(report["refused_requests"].get<int>()) + "</p>\n";
  html +=
      "<h2>Betrokkenheid, casusoverleg en overdrachten (signalen, matches, casussen, "
      "warme overdrachten)</h2>\n"
      "<table><thead><tr><th>Wanneer</th><th>Wat</th><th>Partner</th><th>Met</th><th>Doel</th>"
      "</tr></thead><tbody>\n";
  for (const auto& item : report["region_work"]) {
    const std::string what =
        item["kind"].get<std::string>() + ": " + item["outcome"].get<std::string>() +
        (item.contains("case") ? " (" + item["case"].get<std::string>() + ")" : "");
    html += "<tr><td>" + escape(item["time"].get<std::string>()) + "</td><td>" + escape(what) +
            "</td><td>" + escape(item["partner"]["name"].get<std::string>()) + "</td><td>" +
            (item.contains("other") ? escape(item["other"]["name"].get<std::string>()) : "") +
            "</td><td>" + escape(item["purpose"].get<std::string>()) + "</td></tr>\n";
  }
  html +=
      "</tbody></table>\n<h2>Verzoeken om uw BSN bij een pseudoniem (heridentificatie)</h2>\n"
      "<table><thead><tr><th>Wanneer</th><th>Partner</th><th>Doel</th><th>Uitkomst</th>"
      "</tr></thead><tbody>\n";
  for (const auto& item : report["reidentifications"]) {
    const std::string outcome = item["outcome"].get<std::string>() == "granted"
                                    ? std::string("verstrekt")
                                    : "geweigerd (" + item["problem"].get<std::string>() + ")";
    html += "<tr><td>" + escape(item["time"].get<std::string>()) + "</td><td>" +
            escape(item["partner"]["name"].get<std::string>()) + "</td><td>" +
            escape(item["purpose"].get<std::string>()) + "</td><td>" + escape(outcome) +
            "</td></tr>\n";
  }
  html += "</tbody></table>\n</body></html>\n";
  return html;
}

}  // namespace schakel::cli
