#pragma once
// What every console page is made of (issue 16): server-rendered HTML in
// Dutch or English, escaped everywhere, under one frame (title, navigation
// by role, language switch, sign-out) and one set of security headers —
//   Content-Security-Policy: default-src 'none'; style-src 'self'; img-src 'self';
//     form-action 'self'; frame-ancestors 'none'; base-uri 'none'
// (no script at all, no inline style, nothing from a third party: the
// stylesheet is served from the binary), Cache-Control: no-store,
// Referrer-Policy: same-origin, X-Content-Type-Options: nosniff, HSTS.
#include <string>
#include <string_view>
#include <vector>

#include "common/text.hpp"
#include "gateway/http_types.hpp"

namespace schakel::console {

enum class Lang { kNl, kEn };

// The text in the page's language.
[[nodiscard]] inline std::string_view tr(Lang lang, std::string_view nl, std::string_view en) {
  return lang == Lang::kNl ? nl : en;
}
[[nodiscard]] inline std::string escape(std::string_view text) {
  return html_escape(text);
}

struct Frame {
  Lang lang = Lang::kNl;
  std::string title;
  std::string user;  // shown with sign-out; empty: signed out
  bool officer = false;
  std::string csrf;         // for the sign-out form
  int refresh_seconds = 0;  // a page that follows work in progress reloads itself
};

[[nodiscard]] gateway::Response page(const Frame& frame, const std::string& body, int status = 200);
[[nodiscard]] gateway::Response see_other(const std::string& location,
                                          gateway::HeaderList headers = {});
// The headers every console answer carries (pages, redirects, assets, downloads).
void add_security_headers(gateway::HeaderList& headers);
[[nodiscard]] std::string hidden_csrf(const std::string& token);

// <select name=NAME> of (value, label) pairs; `selected` preselects one.
[[nodiscard]] std::string select(const std::string& name, const std::string& label,
                                 const std::vector<std::pair<std::string, std::string>>& options,
                                 const std::string& selected = "");
// Cells come escaped (they may hold links). With every head cell empty the
// table is name/value rows: no header row, each first cell a row header.
[[nodiscard]] std::string table(const std::vector<std::string>& head,
                                const std::vector<std::vector<std::string>>& rows);

// The stylesheet, served at /static/console.css.
[[nodiscard]] std::string_view stylesheet();

}  // namespace schakel::console
