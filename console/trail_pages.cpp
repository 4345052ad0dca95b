// The trail for privacy officers (issue 16): search by person (a BSN typed
// in, turned into audit tokens in memory), partner, purpose, outcome and
// time; a record's detail with every field action and the rule behind it;
// the person's access report (printable HTML, or JSON to download). Every
// search, record view and report names a reason and is first a console
// record (the person's audit token, never the BSN); the BSN is read from a
// POST body only — never in a URL, a log or the page that answers.
#include <ctime>

#include <boost/algorithm/string/predicate.hpp>

#include "audit/query.hpp"
#include "common/calendar.hpp"
#include "console/pages.hpp"
#include "gateway/router.hpp"
#include "inzage/report.hpp"
#include "policy/bsn.hpp"

namespace schakel::console {
namespace {

namespace asio = boost::asio;
using gateway::Request;
using gateway::Response;
using json = nlohmann::json;

struct Reason {
  const char* code;
  const char* nl;
  const char* en;
};
constexpr Reason kReasons[] = {
    {"inzageverzoek", "Inzageverzoek van de betrokkene", "The person's access request"},
    {"klacht", "Klacht of bezwaar", "Complaint or objection"},
    {"incident", "Beveiligingsincident of datalek", "Security incident or data breach"},
    {"controle", "Periodieke controle", "Periodic review"},
    {"toezicht", "Vraag van de toezichthouder", "Request of the supervisory authority"},
};

// The outcomes a search may ask for (the kinds' outcomes in the trail).
constexpr const char* kOutcomes[] = {"allowed", "refused",  "delivered", "failed",  "queued",
                                     "granted", "accepted", "declined",  "expired", "escalated"};

bool is_outcome(const std::string& text) {
  return std::ranges::any_of(kOutcomes, [&](const char* outcome) { return text == outcome; });
}

bool is_reason(const std::string* code) {
  if (!code) return false;
  for (const auto& reason : kReasons) {
    if (*code == reason.code) return true;
  }
  return false;
}

std::string reason_select(Lang l) {
  std::vector<std::pair<std::string, std::string>> options{
      {"", std::string(tr(l, "— kies een reden —", "— choose a reason —"))}};
  for (const auto& reason : kReasons)
    options.emplace_back(reason.code, tr(l, reason.nl, reason.en));
  return select("reason", std::string(tr(l, "Reden (verplicht)", "Reason (required)")), options);
}

std::string bsn_input(Lang l, bool required) {
  return "<label for=\"bsn\">" + std::string(tr(l, "BSN van de persoon", "The person's BSN")) +
         "</label><input id=\"bsn\" name=\"bsn\" inputmode=\"numeric\" autocomplete=\"off\" "
         "pattern=\"[0-9]{8,9}\"" +
         (required ? " required" : "") + ">";
}

std::string error_box(const std::string& text) {
  return "<p class=\"error\" role=\"alert\">" + escape(text) + "</p>";
}

// "YYYY-MM-DD" or empty; anything else is an error.
bool is_date_or_empty(const std::string* text) {
  return !text || text->empty() || calendar::parse_date(*text).has_value();
}

std::string search_form(const Visit& visit, const std::string& error) {
  const Lang l = visit.lang;
  const auto& policy = *visit.policy;
  std::vector<std::pair<std::string, std::string>> partners{{"", "—"}};
  for (const auto& partner : policy.partners()) partners.emplace_back(partner.oin, partner.name);
  std::vector<std::pair<std::string, std::string>> purposes{{"", "—"}};
  for (const auto& [id, purpose] : policy.guideline_purposes()) purposes.emplace_back(id, id);
  std::vector<std::pair<std::string, std::string>> outcomes{{"", "—"}};
  for (const char* outcome : kOutcomes) {
    outcomes.emplace_back(outcome, outcome);
  }
  return error + "<form class=\"stack\" method=\"post\" action=\"/trail\">" +
         hidden_csrf(visit.session->csrf) + bsn_input(l, false) +
         select("partner", std::string(tr(l, "Partner", "Partner")), partners) +
         select("purpose", std::string(tr(l, "Doel", "Purpose")), purposes) +
         select("outcome", std::string(tr(l, "Uitkomst", "Outcome")), outcomes) +
         "<label for=\"from\">" + std::string(tr(l, "Vanaf (datum)", "From (date)")) +
         "</label><input id=\"from\" name=\"from\" type=\"date\"><label for=\"to\">" +
         std::string(tr(l, "Tot en met (datum)", "Up to and including (date)")) +
         "</label><input id=\"to\" name=\"to\" type=\"date\">" + reason_select(l) +
         "<button type=\"submit\">" + std::string(tr(l, "Zoeken", "Search")) + "</button></form>";
}

asio::awaitable<Response> search_page(Console&, const Visit& visit, const Request&) {
  co_return page(visit.frame(std::string(tr(visit.lang, "Logboek doorzoeken", "Search the trail"))),
                 search_form(visit, ""));
}

const std::string* nonempty(const Visit& visit, std::string_view name) {
  const std::string* value = visit.field(name);
  return value && !value->empty() ? value : nullptr;
}

// The newest of the person's tokens (the current month's, when it exists).
std::string newest(const std::vector<std::string>& tokens) {
  return tokens.empty() ? std::string() : tokens.back();
}

std::string results_table(const Visit& visit, const std::vector<audit::QueriedRecord>& records) {
  const Lang l = visit.lang;
  std::vector<std::vector<std::string>> rows;
  for (const auto& record : records) {
    const auto& body = record.body;
    rows.push_back({"<a href=\"/trail/record/" + std::to_string(record.sequence) + "\">" +
                        std::to_string(record.sequence) + "</a>",
                    escape(body.value("start_time", "")), escape(body.value("kind", "")),
                    escape(body.value("outcome", "")),
                    escape(partner_label(*visit.policy, body.value("sender", ""))),
                    escape(partner_label(*visit.policy, body.value("recipient", ""))),
                    escape(body.value("purpose", "")), escape(body.value("problem", ""))});
  }
  return "<p>" + std::to_string(records.size()) + " " +
         std::string(tr(l, "record(s) gevonden.", "record(s) found.")) + "</p>" +
         table({"#", std::string(tr(l, "Wanneer", "When")), std::string(tr(l, "Soort", "Kind")),
                std::string(tr(l, "Uitkomst", "Outcome")), std::string(tr(l, "Van", "From")),
                std::string(tr(l, "Aan", "To")), std::string(tr(l, "Doel", "Purpose")),
                std::string(tr(l, "Probleem", "Problem"))},
               rows);
}

asio::awaitable<Response> search(Console& console, const Visit& visit, const Request&) {
  const Lang l = visit.lang;
  const std::string title(tr(l, "Logboek doorzoeken", "Search the trail"));
  const std::string* bsn = nonempty(visit, "bsn");
  const std::string* reason = visit.field("reason");
  if (!is_reason(reason)) {
    co_return page(
        visit.frame(title),
        search_form(visit, error_box(std::string(tr(l, "Kies de reden waarom u zoekt.",
                                                    "Choose the reason why you search.")))),
        422);
  }
  if (bsn && !policy::is_valid_bsn(*bsn)) {
    co_return page(
        visit.frame(title),
        search_form(visit,
                    error_box(std::string(tr(l, "Dat is geen geldig BSN (9 cijfers, elfproef).",
                                             "That is no valid BSN (9 digits, 11-check).")))),
        422);
  }
  if (!is_date_or_empty(visit.field("from")) || !is_date_or_empty(visit.field("to"))) {
    co_return page(
        visit.frame(title),
        search_form(
            visit, error_box(std::string(tr(l, "Een datum is ongeldig.", "A date is not valid.")))),
        422);
  }
  audit::QueryFilter filter;
  filter.limit = 500;
  audit::AuditRecord record;
  record.outcome = "searched";
  record.details = {{"user", visit.user->id}, {"page", "trail"}, {"reason", *reason}};
  if (bsn) {
    filter.subject_tokens = console.tokens_of_bsn(*bsn);
    record.subject_token = newest(*filter.subject_tokens);
    record.details["person"] = "yes";
  }
  if (const auto* partner = nonempty(visit, "partner")) {
    if (!visit.policy->partner_by_oin(*partner)) co_return refused_input(visit, title);
    filter.partner = *partner;
    record.details["partner"] = *partner;
  }
  if (const auto* purpose = nonempty(visit, "purpose")) {
    if (!visit.policy->guideline_purpose(*purpose)) co_return refused_input(visit, title);
    filter.purpose = *purpose;
    record.purpose = *purpose;
  }
  if (const auto* outcome = nonempty(visit, "outcome")) {
    if (!is_outcome(*outcome)) co_return refused_input(visit, title);
    filter.outcome = *outcome;
    record.details["outcome"] = *outcome;
  }
  if (const auto* from = nonempty(visit, "from")) filter.from = *from;
  if (const auto* to = nonempty(visit, "to")) filter.to = *to + "T99";  // the whole day
  auto recording = console.record(std::move(record));
  if (!(co_await std::move(recording))) co_return unavailable(visit);
  console.sessions().set_reason(visit.session->id, *reason);
  auto reading = query_trail(console, filter);
  auto found = co_await std::move(reading);
  if (!found || !*found) {
    co_return page(visit.frame(title),
                   error_box(std::string(tr(l, "Het logboek kon niet worden gelezen: ",
                                            "The trail could not be read: ")) +
                             (found ? found->error() : std::string("?"))),
                   503);
  }
  co_return page(visit.frame(title), results_table(visit, **found) + "<p><a href=\"/trail\">" +
                                         std::string(tr(l, "Nieuwe zoekopdracht", "New search")) +
                                         "</a></p>");
}

std::string detail_rows(const json& body) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& [key, value] : body.items()) {
    if (key == "fields" || key == "details" || key == "attributes") continue;
    rows.push_back(
        {escape(key), escape(value.is_string() ? value.get<std::string>() : value.dump())});
  }
  for (const char* group : {"attributes", "details"}) {
    if (!body.contains(group) || !body[group].is_object()) continue;
    for (const auto& [key, value] : body[group].items()) {
      rows.push_back({escape(std::string(group) + "." + key),
                      escape(value.is_string() ? value.get<std::string>() : value.dump())});
    }
  }
  return table({"", ""}, rows);
}

asio::awaitable<Response> record_page(Console& console, const Visit& visit,
                                      const Request& request) {
  const Lang l = visit.lang;
  const std::string title(tr(l, "Record in het logboek", "Record in the trail"));
  const std::string segment = gateway::path_segment(request.target, 2);
  std::uint64_t sequence = 0;
  const bool number = !segment.empty() && segment.size() <= 19 &&
                      std::ranges::all_of(segment, [](char c) { return c >= '0' && c <= '9'; });
  if (number) sequence = std::stoull(segment);
  if (visit.session->reason.empty()) {
    co_return page(
        visit.frame(title),
        error_box(
            std::string(tr(l, "Zoek eerst, met een reden.", "Search first, with a reason."))) +
            "<p><a href=\"/trail\">" + std::string(tr(l, "Zoeken", "Search")) + "</a></p>",
        409);
  }
  audit::QueryFilter filter;
  filter.sequence = sequence;
  if (!number) filter.sequence = 0;  // no record has sequence 0: found empty
  auto reading = query_trail(console, filter);
  auto found = co_await std::move(reading);
  if (!found || !*found || (*found)->empty()) {
    co_return page(
        visit.frame(title),
        error_box(std::string(tr(l, "Geen record met dit nummer.", "No record of this number."))),
        404);
  }
  const auto& body = (*found)->front().body;
  audit::AuditRecord record;
  record.outcome = "viewed";
  record.subject_token = body.contains("attributes")
                             ? body["attributes"].value("dpl.core.data_subject_id", "")
                             : std::string();
  record.details = {{"user", visit.user->id},
                    {"page", "record"},
                    {"record", std::to_string(sequence)},
                    {"reason", visit.session->reason}};
  auto recording = console.record(std::move(record));
  if (!(co_await std::move(recording))) co_return unavailable(visit);
  std::vector<std::vector<std::string>> fields;
  for (const auto& entry : body.value("fields", json::array())) {
    fields.push_back({escape(entry.value("field", "")), escape(entry.value("category", "")),
                      escape(entry.value("action", "")), escape(entry.value("rule", ""))});
  }
  co_return page(visit.frame(title + " " + std::to_string(sequence)),
                 detail_rows(body) + "<h2>" +
                     std::string(tr(l, "Velden en regels", "Fields and rules")) + "</h2>" +
                     (fields.empty() ? "<p class=\"note\">" +
                                           std::string(tr(l, "Dit record noemt geen velden.",
                                                          "This record names no fields.")) +
                                           "</p>"
                                     : table({std::string(tr(l, "Veld", "Field")),
                                              std::string(tr(l, "Categorie", "Category")),
                                              std::string(tr(l, "Actie", "Action")),
                                              std::string(tr(l, "Regel", "Rule"))},
                                             fields)));
}

std::string report_form(const Visit& visit, const std::string& error) {
  const Lang l = visit.lang;
  return error + "<form class=\"stack\" method=\"post\" action=\"/report\">" +
         hidden_csrf(visit.session->csrf) + bsn_input(l, true) + reason_select(l) +
         select("format", std::string(tr(l, "Vorm", "Format")),
                {{"html", std::string(tr(l, "Afdrukbare pagina", "Printable page"))},
                 {"json", std::string(tr(l, "JSON (downloaden)", "JSON (download)"))}}) +
         "<button type=\"submit\">" + std::string(tr(l, "Rapport maken", "Make the report")) +
         "</button></form>";
}

asio::awaitable<Response> report_page(Console&, const Visit& visit, const Request&) {
  co_return page(visit.frame(std::string(tr(visit.lang, "Inzagerapport", "Access report"))),
                 report_form(visit, ""));
}

asio::awaitable<Response> report(Console& console, const Visit& visit, const Request&) {
  const Lang l = visit.lang;
  const std::string title(tr(l, "Inzagerapport", "Access report"));
  const std::string* bsn = nonempty(visit, "bsn");
  const std::string* reason = visit.field("reason");
  const std::string* format = visit.field("format");
  if (!bsn || !policy::is_valid_bsn(*bsn) || !is_reason(reason) || !format ||
      (*format != "html" && *format != "json")) {
    co_return page(
        visit.frame(title),
        report_form(visit, error_box(std::string(tr(l, "Geef een geldig BSN en een reden.",
                                                    "Give a valid BSN and a reason.")))),
        422);
  }
  audit::QueryFilter filter;
  filter.subject_tokens = console.tokens_of_bsn(*bsn);
  audit::AuditRecord record;
  record.outcome = "report";
  record.subject_token = newest(*filter.subject_tokens);
  record.details = {
      {"user", visit.user->id}, {"page", "report"}, {"reason", *reason}, {"format", *format}};
  auto recording = console.record(std::move(record));
  if (!(co_await std::move(recording))) co_return unavailable(visit);
  auto reading = query_trail(console, filter);
  auto found = co_await std::move(reading);
  if (!found || !*found) {
    co_return page(visit.frame(title),
                   error_box(std::string(tr(l, "Het logboek kon niet worden gelezen.",
                                            "The trail could not be read."))),
                   503);
  }
  auto built = inzage::build_report({*visit.policy,
                                     **found,
                                     static_cast<std::int64_t>(std::time(nullptr)),
                                     {},
                                     inzage::Audience::kOfficer});
  if (!built) {
    co_return page(visit.frame(title),
                   error_box(std::string(tr(l, "Het rapport kon niet worden opgesteld.",
                                            "The report could not be made."))),
                   503);
  }
  const json& report = built->json;
  Response response{200, "", {}, ""};
  if (*format == "json") {
    response.content_type = "application/json";
    response.body = report.dump(2) + "\n";
    response.headers.emplace_back("Content-Disposition",
                                  "attachment; filename=\"inzagerapport.json\"");
  } else {
    response.content_type = "text/html; charset=utf-8";
    response.body = inzage::report_html(report, "/static/console.css");
  }
  add_security_headers(response.headers);
  co_return response;
}

}  // namespace

std::expected<void, std::string> add_trail_pages(Console& console) {
  return add_routes(
      console, {PageRoute{"GET", "/trail", Need::kOfficer, {}, search_page},
                PageRoute{"POST",
                          "/trail",
                          Need::kOfficer,
                          {"bsn", "partner", "purpose", "outcome", "from", "to", "reason"},
                          search},
                PageRoute{"GET", "/trail/record/{sequence}", Need::kOfficer, {}, record_page},
                PageRoute{"GET", "/report", Need::kOfficer, {}, report_page},
                PageRoute{"POST", "/report", Need::kOfficer, {"bsn", "reason", "format"}, report}});
}

}  // namespace schakel::console
