#include "inzage/report.hpp"

#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "common/text.hpp"
#include "inzage/visibility.hpp"
#include "inzage/wording.hpp"

namespace schakel::inzage {
namespace {

using nlohmann::json;

std::string text_of(const json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A number member, or 0 when absent or of another type (never a throw).
std::int64_t number_of(const json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

const json& member_of(const json& body, const char* key) {
  static const json kNull;
  auto it = body.find(key);
  return it != body.end() ? *it : kNull;
}

// A partner of this region by name; one of the peer region the record names
// (details.peer_region: the exchange crossed the border) with its region.
std::string partner_name(const policy::Policy& policy, const std::string& oin, const json& record) {
  if (const auto* partner = policy.partner_by_oin(oin)) return partner->name;
  const std::string peer = text_of(member_of(record, "details"), "peer_region");
  const auto* remote = peer.empty() ? nullptr : policy.remote_partner(peer, oin);
  if (remote) return remote->name + " (" + policy.peer(peer)->region + ")";
  return "(geen partner van de regio meer)";
}

// The purpose in force for a record: the region's, else the guideline's (a
// purpose the region no longer enables); nullptr when neither knows it.
const policy::Purpose* purpose_of(const policy::Policy& policy, const std::string& id) {
  const auto& enabled = policy.enabled_purposes();
  if (auto it = enabled.find(id); it != enabled.end()) return &it->second;
  return policy.guideline_purpose(id);
}

// What one kind of record did, as the person reads it.
std::string action_name(const std::string& kind, const std::string& outcome) {
  if (kind == "decision") return "Gegevens verstrekt";
  if (kind == "signal") return "Signaal: " + outcome;
  if (kind == "match") return "Een andere partner is ook betrokken (match)";
  if (kind == "case") return "Casusoverleg: " + outcome;
  if (kind == "handover") return "Warme overdracht: " + outcome;
  if (kind == "reidentification") {
    return outcome == "granted" ? "BSN opgevraagd bij een pseudoniem: verstrekt"
                                : "BSN opgevraagd bij een pseudoniem: geweigerd";
  }
  if (kind == "inzage") return "Uw inzageverzoek beantwoord";
  return kind + ": " + outcome;
}

// Categories and how each field was shared, from a decision's field actions.
std::expected<json, std::string> shared_categories(const policy::Policy& policy,
                                                   const json& fields) {
  std::map<std::string, json> by_category;
  for (const auto& entry : fields) {
    const std::string action = text_of(entry, "action");
    if (action == "drop") continue;
    const auto* spec = policy.field(text_of(entry, "field"));
    const auto* category = policy.category(text_of(entry, "category"));
    if (!spec || !category) continue;  // no longer catalogued: counted under its category below
    auto phrase = shared_as(*spec, action);
    if (!phrase) return std::unexpected(phrase.error());
    auto& item = by_category[category->id];
    if (item.is_null()) {
      item = {{"soortGegeven", category->title_nl},
              {"soortGegevenEn", category->title},
              {"gedeeldAls", json::array()},
              {"gedeeldAlsEn", json::array()}};
    }
    item["gedeeldAls"].push_back(phrase->nl);
    item["gedeeldAlsEn"].push_back(phrase->en);
  }
  json out = json::array();
  for (auto& [id, item] : by_category) out.push_back(std::move(item));
  return out;
}

// How the subject travelled: as the decision recorded it (details.subject),
// or for a record from before that, as its purpose's level says now.
std::optional<policy::SubjectAction> subject_action(const json& body,
                                                    const policy::Purpose* purpose) {
  const auto details = body.find("details");
  const std::string recorded =
      details != body.end() && details->is_object() ? text_of(*details, "subject") : "";
  if (recorded == "bsn") return policy::SubjectAction::kBsn;
  if (recorded == "pseudonymise") return policy::SubjectAction::kPseudonymise;
  const auto level = static_cast<int>(number_of(body, "level"));
  if (purpose && purpose->levels.contains(level)) return purpose->levels.at(level).subject;
  return std::nullopt;
}

std::string confidentiality(Visibility::State state) {
  switch (state) {
    case Visibility::State::kVisible:
      return "normaal";
    case Visibility::State::kLifted:
      return "opgeheven";
    case Visibility::State::kDeferred:
    case Visibility::State::kWithheld:
      return "vertrouwelijk";
  }
  return "vertrouwelijk";
}

std::string for_the_person(const Visibility& seen) {
  switch (seen.state) {
    case Visibility::State::kVisible:
      return "zichtbaar";
    case Visibility::State::kLifted:
      return "zichtbaar na uitstel";
    case Visibility::State::kDeferred:
      return "uitgesteld";
    case Visibility::State::kWithheld:
      return "achtergehouden";
  }
  return "achtergehouden";
}

class Builder {
 public:
  explicit Builder(const ReportInput& input) : input_(input), released_(input.released) {
    for (const auto& record : input.records) {
      if (text_of(record.body, "kind") == "inzage-release" &&
          text_of(record.body, "outcome") == "released") {
        released_.insert(text_of(record.body, "purpose") + "\n" +
                         text_of(member_of(record.body, "details"), "released"));
      }
      if (text_of(record.body, "kind") == "delivery") {
        delivered_[static_cast<std::uint64_t>(number_of(record.body, "decision_sequence"))] =
            text_of(record.body, "outcome") == "delivered";
      }
    }
  }

  std::expected<Report, std::string> build() {
    for (const auto& record : input_.records) {
      if (auto added = add(record); !added) return std::unexpected(added.error());
    }
    const auto made = amsterdam_time(input_.now);
    report_.json = {{"regio", input_.policy.region_name()},
                    {"opgesteld", made.iso},
                    {"opgesteldLeesbaar", made.readable},
                    {"verwerkingsacties", std::move(actions_)},
                    {"geweigerdeVerzoeken", refused_}};
    if (input_.audience == Audience::kOfficer) {
      report_.json["achtergehouden"] = report_.held_back;
    }
    return std::move(report_);
  }

 private:
  std::expected<void, std::string> add(const audit::QueriedRecord& record) {
    const auto& body = record.body;
    const std::string kind = text_of(body, "kind");
    const std::string outcome = text_of(body, "outcome");
    static const std::set<std::string> kShown = {"decision", "signal",           "match", "case",
                                                 "handover", "reidentification", "inzage"};
    if (!kShown.contains(kind)) return {};
    auto exchanged = parse_utc(text_of(body, "start_time"));
    if (!exchanged)
      return std::unexpected("record " + std::to_string(record.sequence) + ": " +
                             exchanged.error());
    const std::string purpose_id = text_of(body, "purpose");
    const auto* purpose = purpose_of(input_.policy, purpose_id);
    const auto [seen, rule] = judge(body, kind, purpose, *exchanged);
    const bool include = seen.shown() || input_.audience == Audience::kOfficer;
    const bool refused = kind != "reidentification" && outcome == "refused";
    if (refused) {  // counted where the person may know of it, never an item
      if (seen.shown()) ++refused_;
      return {};
    }
    if (!seen.shown()) ++report_.held_back;
    if (!include) return {};
    auto item = describe(record, kind, outcome, purpose, purpose_id, *exchanged);
    if (!item) return std::unexpected(item.error());
    (*item)["vertrouwelijkheid"] = confidentiality(seen.state);
    if (input_.audience == Audience::kOfficer) {
      json inzage = {{"voorDePersoon", for_the_person(seen)}, {"regel", rule.rule}};
      if (!rule.ground.empty()) inzage["grond"] = rule.ground;
      if (seen.visible_from) inzage["zichtbaarVanaf"] = amsterdam_time(*seen.visible_from).iso;
      if (!rule.released_by.empty()) inzage["vrijTeGevenDoor"] = rule.released_by;
      (*item)["inzage"] = std::move(inzage);
    }
    actions_.push_back(std::move(*item));
    if (seen.shown()) ++report_.shown;
    return {};
  }

  // How the person sees a record, and by which rule: the stricter of the
  // rule its record kept (the one in force at the exchange) and the purpose's
  // rule now — a region's later change, or disabling the purpose, loosens nothing.
  std::pair<Visibility, policy::InzageRule> judge(const json& body, const std::string& kind,
                                                  const policy::Purpose* purpose,
                                                  std::int64_t exchanged) const {
    std::vector<policy::InzageRule> rules;
    if (auto kept = rule_kept_in(body)) rules.push_back(std::move(*kept));
    if (purpose) rules.push_back(purpose->inzage);
    if (kind == "inzage" || rules.empty()) return {Visibility{}, policy::InzageRule{}};
    const bool released =
        released_.contains(text_of(body, "purpose") + "\n" + text_of(body, "transaction_id"));
    std::pair<Visibility, policy::InzageRule> verdict;
    for (const auto& rule : rules) {
      verdict = {visibility(rule, exchanged, input_.now, released), rule};
      if (!verdict.first.shown()) break;  // the stricter wins
    }
    return verdict;
  }

  std::expected<json, std::string> describe(const audit::QueriedRecord& record,
                                            const std::string& kind, const std::string& outcome,
                                            const policy::Purpose* purpose,
                                            const std::string& purpose_id,
                                            std::int64_t exchanged) const {
    const auto& body = record.body;
    const auto when = amsterdam_time(exchanged);
    const std::string sender = text_of(body, "sender");
    json item = {{"actieId", text_of(body, "transaction_id")},
                 {"soort", kind},
                 {"actieNaam", action_name(kind, outcome)},
                 {"tijdstip", when.iso},
                 {"tijdstipLeesbaar", when.readable},
                 {"uitvoerder", sender},
                 {"uitvoerderNaam", partner_name(input_.policy, sender, body)}};
    if (!purpose_id.empty()) {
      item["verwerkingNaam"] = purpose ? purpose->title_nl : purpose_id;
      item["verwerkingNaamEn"] = purpose ? purpose->title : purpose_id;
      item["verwerkingsactiviteitUrl"] =
          text_of(member_of(body, "attributes"), "dpl.core.processing_activity_id");
      const auto& bases = member_of(body, "legal_bases");
      item["grondslagen"] = bases.is_array() ? bases : json::array();
    }
    const std::string recipient = text_of(body, "recipient");
    if (!recipient.empty() && (kind == "decision" || kind == "match")) {
      item["soortAfnemerId"] = "OIN";
      item["afnemerId"] = recipient;
      item["afnemerNaam"] = partner_name(input_.policy, recipient, body);
    }
    if (kind == "decision") {
      const auto& fields = member_of(body, "fields");
      auto categories =
          shared_categories(input_.policy, fields.is_array() ? fields : json::array());
      if (!categories) return std::unexpected(categories.error());
      item["verwerkteSoortenGegevens"] = std::move(*categories);
      if (auto subject = subject_action(body, purpose)) {
        const auto phrase = subject_shared_as(*subject);
        item["onderwerp"] = phrase.nl;
        item["onderwerpEn"] = phrase.en;
      }
      auto delivered = delivered_.find(record.sequence);
      item["afgeleverd"] = delivered != delivered_.end() && delivered->second;
    }
    return item;
  }

  const ReportInput& input_;
  std::set<std::string> released_;           // input's, and the releases among the records
  std::map<std::uint64_t, bool> delivered_;  // by decision sequence
  json actions_ = json::array();
  int refused_ = 0;
  Report report_;
};

}  // namespace

std::expected<Report, std::string> build_report(const ReportInput& input) {
  return Builder(input).build();
}

std::string report_html(const json& report, const std::string& stylesheet) {
  const auto text = [](const json& value, const char* key) {
    auto it = value.find(key);
    return it != value.end() && it->is_string() ? html_escape(it->get<std::string>())
                                                : std::string();
  };
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>Inzage: wat partners van de regio over u hebben gedeeld</title>";
  html +=
      stylesheet.empty()
          ? std::string(
                "<style>body{font-family:sans-serif;margin:2em;max-width:70em;line-height:1.4}"
                "table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;"
                "padding:.4em .6em;text-align:left;vertical-align:top}"
                "th{background:#eee}ul{margin:0;padding-left:1.2em}"
                "@media (max-width:40em){body{margin:1em}table,tbody,tr,td{display:block}"
                "thead{position:absolute;left:-9999px}tr{border:1px solid #999;margin-bottom:1em}"
                "td{border:none;border-bottom:1px solid #ddd}td::before{content:attr(data-label);"
                "display:block;font-weight:bold}}</style>")
          : "<link rel=\"stylesheet\" href=\"" + html_escape(stylesheet) + "\">";
  html += "</head><body>\n<main>\n<h1>Wat partners van " + text(report, "regio") +
          " over u hebben gedeeld</h1>\n<p>Opgesteld op " + text(report, "opgesteldLeesbaar") +
          " (Nederlandse tijd).</p>\n";
  html +=
      "<table><caption>Verwerkingen</caption><thead><tr><th scope=\"col\">Wanneer</th>"
      "<th scope=\"col\">Wat</th><th scope=\"col\">Door</th><th scope=\"col\">Aan</th>"
      "<th scope=\"col\">Waarvoor</th><th scope=\"col\">Wettelijke grondslag</th>"
      "<th scope=\"col\">Welke gegevens, en hoe</th></tr></thead><tbody>\n";
  for (const auto& item : report["verwerkingsacties"]) {
    std::string bases;
    for (const auto& basis : item.value("grondslagen", json::array())) {
      bases += "<li>" + html_escape(basis.is_string() ? basis.get<std::string>() : basis.dump()) +
               "</li>";
    }
    std::string shared;
    if (item.contains("onderwerp")) shared += "<li>" + text(item, "onderwerp") + "</li>";
    for (const auto& category : item.value("verwerkteSoortenGegevens", json::array())) {
      std::string how;
      for (const auto& phrase : category["gedeeldAls"]) {
        how += (how.empty() ? "" : ", ") + html_escape(phrase.get<std::string>());
      }
      shared += "<li>" + text(category, "soortGegeven") + ": " + how + "</li>";
    }
    // data-label: each cell's heading, shown above it on a narrow screen (a phone).
    html +=
        "<tr><td data-label=\"Wanneer\">" + text(item, "tijdstipLeesbaar") +
        "</td><td data-label=\"Wat\">" + text(item, "actieNaam") + "</td><td data-label=\"Door\">" +
        text(item, "uitvoerderNaam") + "</td><td data-label=\"Aan\">" + text(item, "afnemerNaam") +
        "</td><td data-label=\"Waarvoor\">" + text(item, "verwerkingNaam") +
        "</td><td data-label=\"Wettelijke grondslag\"><ul>" + bases +
        "</ul></td><td data-label=\"Welke gegevens, en hoe\"><ul>" + shared + "</ul></td></tr>\n";
  }
  html += "</tbody></table>\n<p>Geweigerde verzoeken om gegevens over u (er is niets gedeeld): " +
          std::to_string(report.value("geweigerdeVerzoeken", 0)) + ".</p>\n";
  html += "</main>\n</body></html>\n";
  return html;
}

}  // namespace schakel::inzage
