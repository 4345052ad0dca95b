#include "console/html.hpp"

#include <algorithm>

namespace schakel::console {

void add_security_headers(gateway::HeaderList& headers) {
  headers.emplace_back("Content-Security-Policy",
                       "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                       "frame-ancestors 'none'; base-uri 'none'");
  headers.emplace_back("Cache-Control", "no-store");
  // Same-origin: the browser then sends this console's Origin with its forms
  // (checked); nothing leaves for another site (no URL holds a BSN anyway).
  headers.emplace_back("Referrer-Policy", "same-origin");
  headers.emplace_back("X-Content-Type-Options", "nosniff");
  headers.emplace_back("X-Frame-Options", "DENY");
  headers.emplace_back("Strict-Transport-Security", "max-age=31536000");
}

std::string hidden_csrf(const std::string& token) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + escape(token) + "\">";
}

namespace {

std::string navigation(const Frame& frame) {
  const Lang l = frame.lang;
  std::string nav = "<nav aria-label=\"" + std::string(tr(l, "Hoofdmenu", "Main menu")) +
                    "\"><ul><li><a href=\"/\">" + std::string(tr(l, "Overzicht", "Overview")) +
                    "</a></li>";
  if (frame.officer) {
    nav += "<li><a href=\"/trail\">" + std::string(tr(l, "Logboek", "Audit trail")) +
           "</a></li><li><a href=\"/report\">" +
           std::string(tr(l, "Inzagerapport", "Access report")) + "</a></li>";
  }
  nav += "<li><a href=\"/chain\">" + std::string(tr(l, "Keten", "Chain")) +
         "</a></li><li><a href=\"/policy\">" + std::string(tr(l, "Beleid", "Policy")) +
         "</a></li><li><a href=\"/region\">" + std::string(tr(l, "Regio", "Region")) +
         "</a></li></ul></nav>";
  return nav;
}

}  // namespace

gateway::Response page(const Frame& frame, const std::string& body, int status) {
  const Lang l = frame.lang;
  std::string html = "<!DOCTYPE html>\n<html lang=\"" + std::string(tr(l, "nl", "en")) +
                     "\"><head><meta charset=\"utf-8\">"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  if (frame.refresh_seconds > 0) {
    html +=
        "<meta http-equiv=\"refresh\" content=\"" + std::to_string(frame.refresh_seconds) + "\">";
  }
  html += "<title>" + escape(frame.title) +
          " — Schakel</title><link rel=\"stylesheet\" href=\"/static/console.css\"></head><body>"
          "<header><a class=\"brand\" href=\"/\">Schakel</a>";
  if (!frame.user.empty()) html += navigation(frame);
  html += "<div class=\"who\"><a href=\"/language?to=" + std::string(tr(l, "en", "nl")) + "\">" +
          std::string(tr(l, "English", "Nederlands")) + "</a>";
  if (!frame.user.empty()) {
    html += "<span>" + escape(frame.user) + "</span><form method=\"post\" action=\"/sign-out\">" +
            hidden_csrf(frame.csrf) + "<button type=\"submit\">" +
            std::string(tr(l, "Afmelden", "Sign out")) + "</button></form>";
  }
  html += "</div></header><main id=\"main\"><h1>" + escape(frame.title) + "</h1>\n" + body +
          "\n</main></body></html>\n";
  gateway::Response response{status, "text/html; charset=utf-8", {}, std::move(html)};
  add_security_headers(response.headers);
  return response;
}

gateway::Response see_other(const std::string& location, gateway::HeaderList headers) {
  gateway::Response response{303, "text/plain; charset=utf-8", std::move(headers), "See Other\n"};
  response.headers.emplace_back("Location", location);
  add_security_headers(response.headers);
  return response;
}

std::string select(const std::string& name, const std::string& label,
                   const std::vector<std::pair<std::string, std::string>>& options,
                   const std::string& selected) {
  std::string html = "<label for=\"" + escape(name) + "\">" + escape(label) +
                     "</label><select id=\"" + escape(name) + "\" name=\"" + escape(name) + "\">";
  for (const auto& [value, text] : options) {
    html += "<option value=\"" + escape(value) + "\"" + (value == selected ? " selected" : "") +
            ">" + escape(text) + "</option>";
  }
  return html + "</select>";
}

std::string table(const std::vector<std::string>& head,
                  const std::vector<std::vector<std::string>>& rows) {
  // No column names: a list of name/value rows, each name a row header.
  const bool pairs = std::all_of(head.begin(), head.end(), [](auto& h) { return h.empty(); });
  std::string html = "<div class=\"scroll\"><table>";
  if (!pairs) {
    html += "<thead><tr>";
    for (const auto& cell : head) html += "<th scope=\"col\">" + escape(cell) + "</th>";
    html += "</tr></thead>";
  }
  html += "<tbody>";
  for (const auto& row : rows) {
    html += "<tr>";
    for (std::size_t i = 0; i < row.size(); ++i) {  // cells come escaped
      html += pairs && i == 0 ? "<th scope=\"row\">" + row[i] + "</th>" : "<td>" + row[i] + "</td>";
    }
    html += "</tr>";
  }
  return html + "</tbody></table></div>";
}

std::string_view stylesheet() {
  return R"(:root{--ink:#1b1b1b;--muted:#4a4a4a;--line:#8a8a8a;--accent:#0b4f8a;--bad:#a4161a;--ok:#1f6f3f}
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,sans-serif;color:var(--ink);background:#fff;line-height:1.45}
header{display:flex;flex-wrap:wrap;align-items:center;gap:1rem;padding:.6rem 1rem;background:#eef3f8;border-bottom:1px solid var(--line)}
.brand{font-weight:700;color:var(--accent);text-decoration:none;font-size:1.2rem}
nav ul{display:flex;flex-wrap:wrap;gap:.8rem;list-style:none;margin:0;padding:0}
nav a,a{color:var(--accent)}
a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #f5a623;outline-offset:2px}
.who{margin-left:auto;display:flex;gap:.8rem;align-items:center}
.who form{margin:0}
main{padding:1rem;max-width:72rem}
form.stack{display:grid;gap:.5rem;max-width:36rem}
label{font-weight:600}
input,select,textarea,button{font:inherit;padding:.35rem .5rem;border:1px solid var(--line);border-radius:3px}
textarea{width:100%;min-height:12rem;font-family:ui-monospace,monospace}
button{background:var(--accent);color:#fff;border-color:var(--accent);cursor:pointer}
.scroll{overflow-x:auto}
table{border-collapse:collapse;margin:.5rem 0}
th,td{border:1px solid var(--line);padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#eef3f8}
.bad{color:var(--bad);font-weight:600}.ok{color:var(--ok);font-weight:600}
.note{color:var(--muted)}
.error{border-left:4px solid var(--bad);padding:.5rem 1rem;background:#fbeaea}
figure{margin:1rem 0}svg text{font-size:11px;fill:#1b1b1b}
.bar0{fill:#0b4f8a}.bar1{fill:#2a9d8f}.bar2{fill:#e76f51}.bar3{fill:#6a4c93}.bar4{fill:#8a6d00}.bar5{fill:#4a4a4a}
.grid{stroke:#c8c8c8}
progress{width:24rem;height:1.2rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:1rem}
.card{border:1px solid var(--line);padding:.6rem 1rem;border-radius:4px}
@media print{header,nav,form{display:none}}
)";
}

}  // namespace schakel::console
