// Signing in and out of the console (issue 16), the language switch and the
// stylesheet: the pages a signed-out browser may reach. A certificate from
// the region's CA whose CN names a console user signs in with one click (the
// session is then bound to that certificate); anyone else gives user,
// password and TOTP code (console/credentials.hpp; Console::password_sign_in:
// per user a burst of 5 tries then one every 3 minutes, every failure alike
// in text and time). Every sign-in, refused ones included, is a console
// record — within the console's overall rate of tries (30 a minute); past it
// the answer is 429 without a record, so nobody floods the trail.
#include "console/pages.hpp"

namespace schakel::console {
namespace {

namespace asio = boost::asio;
using gateway::Request;
using gateway::Response;

std::string session_cookie(const std::string& id) {
  return "__Host-schakel-session=" + id + "; Path=/; Secure; HttpOnly; SameSite=Strict";
}

const policy::ConsoleUser* certificate_user(const Visit& visit) {
  if (!visit.peer || visit.peer->common_name.empty()) return nullptr;
  for (const auto& user : visit.policy->console_users()) {
    if (!user.certificate_cn.empty() && user.certificate_cn == visit.peer->common_name)
      return &user;
  }
  return nullptr;
}

asio::awaitable<Response> signed_in(Console& console, const Visit& visit,
                                    const policy::ConsoleUser& user, const std::string& how,
                                    const std::string& certificate_cn) {
  const Session session = console.sessions().open(user, certificate_cn);
  audit::AuditRecord record;
  record.outcome = "signed-in";
  record.details = {
      {"user", user.id}, {"method", how}, {"role", std::string(to_string(user.role))}};
  auto recording = console.record(std::move(record));
  if (!(co_await std::move(recording))) {
    console.sessions().close(session.id);
    co_return unavailable(visit);
  }
  co_return see_other("/", {{"Set-Cookie", session_cookie(session.id)}});
}

asio::awaitable<Response> sign_in_form(Console&, const Visit& visit, const Request&) {
  if (visit.session) co_return see_other("/");
  const Lang l = visit.lang;
  const std::string pre = random_token();
  std::string body;
  if (const auto* user = certificate_user(visit)) {
    body += "<h2>" + std::string(tr(l, "Met uw certificaat", "With your certificate")) +
            "</h2><form method=\"post\" action=\"/sign-in/certificate\">" + hidden_csrf(pre) +
            "<p>" + escape(user->name) + "</p><button type=\"submit\">" +
            std::string(tr(l, "Aanmelden met certificaat", "Sign in with certificate")) +
            "</button></form>";
  }
  body += "<h2>" + std::string(tr(l, "Met wachtwoord en code", "With password and code")) +
          "</h2><form class=\"stack\" method=\"post\" action=\"/sign-in/password\">" +
          hidden_csrf(pre) + "<label for=\"user\">" +
          std::string(tr(l, "Gebruikersnaam", "User name")) +
          "</label><input id=\"user\" name=\"user\" autocomplete=\"username\" required>"
          "<label for=\"password\">" +
          std::string(tr(l, "Wachtwoord", "Password")) +
          "</label><input id=\"password\" name=\"password\" type=\"password\" "
          "autocomplete=\"current-password\" required><label for=\"code\">" +
          std::string(tr(l, "Code uit uw authenticator-app", "Code from your authenticator app")) +
          "</label><input id=\"code\" name=\"code\" inputmode=\"numeric\" pattern=\"[0-9]{6}\" "
          "autocomplete=\"one-time-code\" required><button type=\"submit\">" +
          std::string(tr(l, "Aanmelden", "Sign in")) + "</button></form>";
  Response response = page(visit.frame(std::string(tr(l, "Aanmelden", "Sign in"))), body);
  response.headers.emplace_back(
      "Set-Cookie", "__Host-schakel-pre=" + pre + "; Path=/; Secure; HttpOnly; SameSite=Strict");
  co_return response;
}

asio::awaitable<Response> sign_in_certificate(Console& console, const Visit& visit,
                                              const Request&) {
  const auto* user = certificate_user(visit);
  if (!user) {
    co_return page(
        visit.frame(std::string(tr(visit.lang, "Aanmelden", "Sign in"))),
        "<p class=\"error\">" +
            escape(tr(visit.lang, "Dit certificaat hoort bij geen gebruiker van de console.",
                      "This certificate belongs to no console user.")) +
            "</p>",
        403);
  }
  const std::string how = "certificate";
  auto done = signed_in(console, visit, *user, how, user->certificate_cn);
  co_return co_await std::move(done);
}

asio::awaitable<Response> sign_in_password(Console& console, const Visit& visit, const Request&) {
  const std::string* id = visit.field("user");
  const std::string* password = visit.field("password");
  const std::string* code = visit.field("code");
  const policy::ConsoleUser* user = id ? find_user(*visit.policy, *id) : nullptr;
  auto check = [&console, user, password, code] {
    return console.password_sign_in(user, password ? *password : "", code ? *code : "");
  };
  auto ran = console.blocking(std::move(check));
  const auto outcome = (co_await std::move(ran)).value_or(Console::SignIn::kRefused);
  if (outcome == Console::SignIn::kThrottled) {
    Response busy = page(
        visit.frame(std::string(tr(visit.lang, "Aanmelden", "Sign in"))),
        "<p class=\"error\">" +
            escape(tr(visit.lang,
                      "Te veel pogingen om aan te melden; probeer het over een minuut opnieuw.",
                      "Too many sign-in attempts; try again in a minute.")) +
            "</p>",
        429);
    busy.headers.emplace_back("Retry-After", "60");
    co_return busy;
  }
  if (outcome == Console::SignIn::kAccepted) {
    const std::string how = "password", no_certificate;
    auto done = signed_in(console, visit, *user, how, no_certificate);
    co_return co_await std::move(done);
  }
  audit::AuditRecord record;
  record.outcome = "sign-in-refused";
  record.details = {{"user", user ? user->id : std::string("(no such user)")},
                    {"method", "password"}};
  auto recording = console.record(std::move(record));
  (void)co_await std::move(recording);
  co_return page(visit.frame(std::string(tr(visit.lang, "Aanmelden", "Sign in"))),
                 "<p class=\"error\">" +
                     escape(tr(visit.lang,
                               "Aanmelden mislukt: gebruikersnaam, wachtwoord of code klopt niet, "
                               "of u probeerde het te vaak.",
                               "Sign-in failed: the user name, password or code is wrong, or "
                               "there were too many tries.")) +
                     "</p><p><a href=\"/sign-in\">" +
                     std::string(tr(visit.lang, "Opnieuw", "Try again")) + "</a></p>",
                 401);
}

asio::awaitable<Response> sign_out(Console& console, const Visit& visit, const Request&) {
  console.sessions().close(visit.session->id);
  co_return see_other("/sign-in", {{"Set-Cookie",
                                    "__Host-schakel-session=; Path=/; Secure; "
                                    "HttpOnly; SameSite=Strict; Max-Age=0"}});
}

asio::awaitable<Response> language(Console&, const Visit& visit, const Request&) {
  const std::string* to = visit.field("to");
  const std::string lang = to && *to == "en" ? "en" : "nl";
  co_return see_other(
      "/", {{"Set-Cookie",
             "schakel-lang=" + lang + "; Path=/; Secure; SameSite=Strict; Max-Age=31536000"}});
}

asio::awaitable<Response> stylesheet_asset(Console&, const Visit&, const Request&) {
  Response response{200, "text/css; charset=utf-8", {}, std::string(stylesheet())};
  add_security_headers(response.headers);
  co_return response;
}

}  // namespace

std::expected<void, std::string> add_sign_in_pages(Console& console) {
  return add_routes(
      console, {PageRoute{"GET", "/sign-in", Need::kAnyone, {}, sign_in_form},
                PageRoute{"POST", "/sign-in/certificate", Need::kAnyone, {}, sign_in_certificate},
                PageRoute{"POST",
                          "/sign-in/password",
                          Need::kAnyone,
                          {"user", "password", "code"},
                          sign_in_password},
                PageRoute{"POST", "/sign-out", Need::kSignedIn, {}, sign_out},
                PageRoute{"GET", "/language", Need::kAnyone, {"to"}, language},
                PageRoute{"GET", "/static/console.css", Need::kAnyone, {}, stylesheet_asset}});
}

}  // namespace schakel::console
