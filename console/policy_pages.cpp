// The policy for officers and regions (issue 16): per purpose the matrix of
// sender roles × recipient roles × levels; for one cell the fields that pass
// and how, each with its rule; a dry run — a pasted message evaluated by the
// gateway's own evaluation, exactly as `schakel policy explain` does
// (cli/policy_explain.hpp: ephemeral keys, so no real pseudonym is shown);
// what the region narrows compared with the national guideline, side by
// side; and the policy hash the console loaded from the files, the one the
// gateway's newest decision was made under, and the history of reloads
// (trail_stats.hpp; when the trail cannot be read, the page says why).
#include "cli/policy_explain.hpp"
#include "console/pages.hpp"
#include "console/trail_stats.hpp"

namespace schakel::console {
namespace {

namespace asio = boost::asio;
using gateway::Request;
using gateway::Response;
using json = nlohmann::json;

std::string cell_link(const std::string& purpose, const std::string& sender,
                      const std::string& recipient, int level) {
  return "<a href=\"/policy/cell?purpose=" + escape(purpose) + "&amp;sender=" + escape(sender) +
         "&amp;recipient=" + escape(recipient) + "&amp;level=" + std::to_string(level) + "\">" +
         std::to_string(level) + "</a>";
}

std::string matrix(const Visit& visit, const policy::Purpose& purpose) {
  std::vector<std::string> head{
      std::string(tr(visit.lang, "afzender \\ ontvanger", "sender \\ recipient"))};
  for (const auto& recipient : purpose.recipients) head.push_back(recipient);
  std::vector<std::vector<std::string>> rows;
  for (const auto& sender : purpose.senders) {
    std::vector<std::string> row{escape(sender)};
    for (const auto& recipient : purpose.recipients) {
      std::string levels;
      for (const auto& [level, plan] : purpose.levels) {
        levels += (levels.empty() ? "" : " ") + cell_link(purpose.id, sender, recipient, level);
      }
      row.push_back(levels);
    }
    rows.push_back(std::move(row));
  }
  return "<h3 id=\"" + escape(purpose.id) + "\">" + escape(purpose.id) + " — " +
         escape(purpose.title) + "</h3>" + table(head, rows);
}

asio::awaitable<Response> matrix_page(Console& console, const Visit& visit, const Request&) {
  const Lang l = visit.lang;
  auto count = [&settings = console.settings()] { return counted(settings, 1); };
  auto ran = console.blocking(std::move(count));
  auto stats = co_await std::move(ran);
  std::string body =
      "<p><a href=\"/policy/dry-run\">" + std::string(tr(l, "Proefbericht", "Dry run")) +
      "</a> · <a href=\"/policy/region\">" +
      std::string(tr(l, "Wat de regio inperkt", "What the region narrows")) + "</a></p>";
  std::vector<std::vector<std::string>> hashes{
      {escape(tr(l, "Beleid in de bestanden (zoals de console het las)",
                 "Policy in the files (as the console read them)")),
       "<code>" + escape(visit.policy->hash()) + "</code>"}};
  if (!stats || !*stats) {
    body +=
        "<p class=\"error\">" +
        escape(std::string(tr(
                   l, "Het logboek kon niet worden gelezen: ", "The trail could not be read: ")) +
               (stats ? stats->error() : std::string("?"))) +
        "</p>";
  } else {
    hashes.push_back({escape(tr(l, "Beleid van de nieuwste beslissing van de gateway",
                                "Policy of the gateway's newest decision")),
                      "<code>" + escape((*stats)->policy_in_force) + "</code>"});
  }
  body += table({"", ""}, hashes);
  body += "<h2>" + std::string(tr(l, "Doelen, rollen en niveaus", "Purposes, roles and levels")) +
          "</h2><p class=\"note\">" +
          std::string(tr(l,
                         "Rijen: rol van de afzender; kolommen: rol van de ontvanger; in elke cel "
                         "de niveaus die de regio toestaat.",
                         "Rows: the sender's role; columns: the recipient's role; in each cell the "
                         "levels the region allows.")) +
          "</p>";
  for (const auto& [id, purpose] : visit.policy->enabled_purposes()) body += matrix(visit, purpose);
  if (stats && *stats) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& reload : (*stats)->reloads) {
      rows.push_back({escape(reload.time), escape(reload.outcome),
                      "<code>" + escape(reload.old_hash) + "</code>",
                      "<code>" + escape(reload.new_hash) + "</code>"});
    }
    body += "<h2>" + std::string(tr(l, "Herladen beleid", "Policy reloads")) + "</h2>" +
            (rows.empty()
                 ? "<p class=\"note\">" +
                       std::string(tr(l, "Nog nooit herladen.", "Never reloaded.")) + "</p>"
                 : table({std::string(tr(l, "Wanneer", "When")),
                          std::string(tr(l, "Uitkomst", "Outcome")),
                          std::string(tr(l, "Oud", "Old")), std::string(tr(l, "Nieuw", "New"))},
                         rows));
  }
  co_return page(visit.frame(std::string(tr(l, "Beleid", "Policy"))), body);
}

asio::awaitable<Response> cell_page(Console&, const Visit& visit, const Request&) {
  const Lang l = visit.lang;
  const std::string title(tr(l, "Beleid: één cel", "Policy: one cell"));
  const auto* purpose_id = visit.field("purpose");
  const auto* sender = visit.field("sender");
  const auto* recipient = visit.field("recipient");
  const auto* level_text = visit.field("level");
  const policy::Purpose* purpose =
      purpose_id ? visit.policy->enabled_purpose(*purpose_id) : nullptr;
  const int level = level_text && level_text->size() == 1 ? (*level_text)[0] - '0' : 0;
  const auto is_role = [&](const std::string* role) {
    if (!role || !purpose) return false;
    const auto& guideline = *visit.policy->guideline_purpose(purpose->id);
    return guideline.senders.contains(*role) || guideline.recipients.contains(*role);
  };
  if (!purpose || !is_role(sender) || !is_role(recipient) || !purpose->levels.contains(level)) {
    co_return refused_input(visit, title);
  }
  const bool allowed =
      purpose->senders.contains(*sender) && purpose->recipients.contains(*recipient);
  const policy::LevelPlan& plan = purpose->levels.at(level);
  std::string body =
      "<p>" + escape(purpose->id) + ", " + escape(*sender) + " → " + escape(*recipient) + ", " +
      std::string(tr(l, "niveau", "level")) + " " + std::to_string(level) + ": " +
      (allowed ? "<span class=\"ok\">" + std::string(tr(l, "toegestaan", "allowed")) + "</span>"
               : "<span class=\"bad\">" + std::string(tr(l, "niet toegestaan", "not allowed")) +
                     "</span>") +
      "</p><p>" + std::string(tr(l, "Persoon: ", "Person: ")) +
      (plan.subject == policy::SubjectAction::kBsn
           ? "BSN"
           : std::string(tr(l, "pseudoniem", "pseudonym"))) +
      " <code>" + escape(plan.subject_rule) + "</code></p>";
  std::vector<std::vector<std::string>> rows;
  for (const auto& [field, rule] : plan.fields) {
    const policy::FieldSpec* spec = visit.policy->field(field);
    rows.push_back({escape(field), escape(spec ? spec->category : std::string()),
                    escape(policy::to_string(rule.transform)),
                    "<code>" + escape(rule.rule) + "</code>"});
  }
  body += table({std::string(tr(l, "Veld", "Field")), std::string(tr(l, "Categorie", "Category")),
                 std::string(tr(l, "Actie", "Action")), std::string(tr(l, "Regel", "Rule"))},
                rows) +
          "<p class=\"note\">" +
          std::string(tr(l, "Elk ander veld valt weg.", "Every other field is dropped.")) + "</p>";
  co_return page(visit.frame(title), body);
}

std::vector<std::pair<std::string, std::string>> partner_options(const policy::Policy& policy) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& partner : policy.partners()) {
    out.emplace_back(partner.oin, partner.name + " (" + partner.role + ")");
  }
  return out;
}

std::string dry_run_form(const Visit& visit, const std::string& message) {
  const Lang l = visit.lang;
  std::vector<std::pair<std::string, std::string>> purposes;
  for (const auto& [id, purpose] : visit.policy->enabled_purposes()) purposes.emplace_back(id, id);
  return "<form class=\"stack\" method=\"post\" action=\"/policy/dry-run\">" +
         hidden_csrf(visit.session->csrf) +
         select("sender", std::string(tr(l, "Afzender", "Sender")), partner_options(*visit.policy),
                visit.field("sender") ? *visit.field("sender") : "") +
         select("recipient", std::string(tr(l, "Ontvanger", "Recipient")),
                partner_options(*visit.policy),
                visit.field("recipient") ? *visit.field("recipient") : "") +
         select("purpose", std::string(tr(l, "Doel", "Purpose")), purposes,
                visit.field("purpose") ? *visit.field("purpose") : "") +
         select("level", std::string(tr(l, "Niveau", "Level")),
                {{"1", "1"}, {"2", "2"}, {"3", "3"}},
                visit.field("level") ? *visit.field("level") : "") +
         "<label for=\"message\">" +
         std::string(tr(l, "Bericht (in het formaat van de afzender)",
                        "Message (in the sender's format)")) +
         "</label><textarea id=\"message\" name=\"message\" required>" + escape(message) +
         "</textarea><button type=\"submit\">" + std::string(tr(l, "Proberen", "Try it")) +
         "</button></form><p class=\"note\">" +
         std::string(tr(l,
                        "Gebruik een voorbeeld, geen echte persoon: het bericht wordt niet "
                        "bewaard en pseudoniemen zijn tijdelijk.",
                        "Use an example, not a real person: the message is not kept and "
                        "pseudonyms are throwaway.")) +
         "</p>";
}

std::string explanation_html(Lang l, const json& explanation) {
  if (explanation.value("decision", "") != "allowed") {
    return "<p class=\"bad\" id=\"decision\">" + std::string(tr(l, "Geweigerd", "Refused")) + ": " +
           escape(explanation.value("problem", "")) + " — " +
           escape(explanation.value("detail", "")) + " <code>" +
           escape(explanation.value("rule", "")) + "</code></p>";
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& field : explanation["fields"]) {
    rows.push_back({escape(field.value("field", "")), escape(field.value("action", "")),
                    "<code>" + escape(field.value("rule", "")) + "</code>"});
  }
  return "<p class=\"ok\" id=\"decision\">" + std::string(tr(l, "Toegestaan", "Allowed")) + ", " +
         std::string(tr(l, "niveau", "level")) + " " +
         std::to_string(explanation.value("level", 0)) + "</p>" +
         table({std::string(tr(l, "Veld", "Field")), std::string(tr(l, "Actie", "Action")),
                std::string(tr(l, "Regel", "Rule"))},
               rows) +
         "<h2>" + std::string(tr(l, "Wat de ontvanger krijgt", "What the recipient gets")) +
         "</h2><pre>" + escape(explanation["recipient_receives"].dump(2)) + "</pre>";
}

asio::awaitable<Response> dry_run_page(Console&, const Visit& visit, const Request&) {
  co_return page(visit.frame(std::string(tr(visit.lang, "Proefbericht", "Dry run"))),
                 dry_run_form(visit, ""));
}

asio::awaitable<Response> dry_run(Console& console, const Visit& visit, const Request&) {
  const std::string title(tr(visit.lang, "Proefbericht", "Dry run"));
  const auto* sender = visit.field("sender");
  const auto* recipient = visit.field("recipient");
  const auto* purpose = visit.field("purpose");
  const auto* level = visit.field("level");
  const auto* message = visit.field("message");
  if (!sender || !recipient || !purpose || !level || !message || level->size() != 1 ||
      (*level)[0] < '1' || (*level)[0] > '3') {
    co_return refused_input(visit, title);
  }
  cli::ExplainRequest request{*sender,           *recipient, *purpose,
                              (*level)[0] - '0', *message,   std::nullopt};
  auto policy = visit.policy;
  auto explain = [policy, request] { return cli::explain(*policy, request); };
  auto ran = console.blocking(std::move(explain));
  auto explained = co_await std::move(ran);
  if (!explained) co_return refused_input(visit, title);
  co_return page(visit.frame(title), explanation_html(visit.lang, *explained) + "<h2>" +
                                         std::string(tr(visit.lang, "Nog een", "Another")) +
                                         "</h2>" + dry_run_form(visit, *message));
}

// One row per difference between the guideline's purpose and the region's.
void compare(const Visit& visit, const policy::Purpose& national, const policy::Purpose& region,
             std::vector<std::vector<std::string>>& rows) {
  const Lang l = visit.lang;
  auto row = [&](const std::string& what, const std::string& a, const std::string& b) {
    if (a != b) rows.push_back({escape(region.id), escape(what), escape(a), escape(b)});
  };
  auto joined = [](const auto& set) {
    std::string out;
    for (const auto& item : set) out += (out.empty() ? "" : ", ") + std::string(item);
    return out;
  };
  std::set<std::string> national_levels, region_levels;
  for (const auto& [level, plan] : national.levels) national_levels.insert(std::to_string(level));
  for (const auto& [level, plan] : region.levels) region_levels.insert(std::to_string(level));
  row(std::string(tr(l, "niveaus", "levels")), joined(national_levels), joined(region_levels));
  for (const auto& [level, plan] : region.levels) {
    const auto& national_plan = national.levels.at(level);
    for (const auto& [field, rule] : national_plan.fields) {
      auto narrowed = plan.fields.find(field);
      row(std::string(tr(l, "niveau ", "level ")) + std::to_string(level) + ": " + field,
          std::string(policy::to_string(rule.transform)),
          narrowed == plan.fields.end()
              ? "drop"
              : std::string(policy::to_string(narrowed->second.transform)));
    }
  }
  row(std::string(tr(l, "partners", "partners")), "", joined(region.partners));
  row("signal_days", std::to_string(national.signal_days), std::to_string(region.signal_days));
  row("case_directors", joined(national.case_directors), joined(region.case_directors));
  row("reidentification", joined(national.reidentifiers), joined(region.reidentifiers));
  row("matching",
      std::to_string(national.matching.size() / 2) + " " + std::string(tr(l, "paren", "pairs")),
      std::to_string(region.matching.size() / 2) + " " + std::string(tr(l, "paren", "pairs")));
}

asio::awaitable<Response> region_narrowing(Console&, const Visit& visit, const Request&) {
  const Lang l = visit.lang;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> not_enabled;
  for (const auto& [id, national] : visit.policy->guideline_purposes()) {
    const policy::Purpose* region = visit.policy->enabled_purpose(id);
    if (!region) {
      not_enabled.push_back(id);
      continue;
    }
    compare(visit, national, *region, rows);
  }
  std::string body =
      "<p>" +
      std::string(tr(l, "De regio kan alleen inperken, nooit verruimen.",
                     "A region can only narrow, never widen.")) +
      "</p>" +
      table({std::string(tr(l, "Doel", "Purpose")), std::string(tr(l, "Wat", "What")),
             std::string(tr(l, "Landelijke richtlijn", "National guideline")),
             std::string(tr(l, "Regio", "Region"))},
            rows);
  if (!not_enabled.empty()) {
    body += "<p>" +
            std::string(tr(l, "Niet ingeschakeld in de regio: ", "Not enabled in the region: "));
    for (const auto& id : not_enabled) body += "<code>" + escape(id) + "</code> ";
    body += "</p>";
  }
  co_return page(visit.frame(std::string(tr(l, "Wat de regio inperkt", "What the region narrows"))),
                 body);
}

}  // namespace

std::expected<void, std::string> add_policy_pages(Console& console) {
  return add_routes(console,
                    {PageRoute{"GET", "/policy", Need::kSignedIn, {}, matrix_page},
                     PageRoute{"GET",
                               "/policy/cell",
                               Need::kSignedIn,
                               {"purpose", "sender", "recipient", "level"},
                               cell_page},
                     PageRoute{"GET", "/policy/dry-run", Need::kSignedIn, {}, dry_run_page},
                     PageRoute{"POST",
                               "/policy/dry-run",
                               Need::kSignedIn,
                               {"sender", "recipient", "purpose", "level", "message"},
                               dry_run},
                     PageRoute{"GET", "/policy/region", Need::kSignedIn, {}, region_narrowing}});
}

}  // namespace schakel::console
