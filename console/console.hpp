#pragma once
// `schakel console` (issue 16): a web console for the region's privacy
// officers and administrators, a process of its own beside `schakel serve`
// — a browser-facing surface with sessions and passwords shares no memory
// with the partner gateway, and its trail scans take no CPU from it. It
// reads what the gateway writes (the trail, verified on every read; the
// region's SQLite file as a WAL reader) and the same configuration and keys,
// and appends its own audit records to the same trail (under the trail's
// lock, each signed at once, as `schakel keys` does).
//
// One HTTPS listener (the gateway's server certificate; a client certificate
// from the region's CA optional). Who may do what, in one place (add_page):
//   - a certificate carrying an OIN (a partner's, the gateway's) gets 403 on
//     every path: partners have no business here;
//   - signed out: only the sign-in pages, the stylesheet and the language switch;
//   - privacy_officer: everything, persons included;
//   - region_admin: the policy, the chain's state and the region's counts —
//     never a person's records (403);
//   - every POST carries the session's CSRF token (the sign-in form a
//     pre-session token, double-submitted in a cookie) and comes from this
//     origin (Sec-Fetch-Site, when the browser sends it), or gets 403.
// Each page that shows a person's records first writes its audit record
// (kind "console": who, which page, why, the person's audit token) — no
// record, no page (503). The BSN an officer types is turned into audit
// tokens in memory: never stored, logged, put in a URL or echoed back.
#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "audit/record.hpp"
#include "console/html.hpp"
#include "console/sessions.hpp"
#include "crypto/key_store.hpp"
#include "crypto/pseudonymiser.hpp"
#include "gateway/http_types.hpp"
#include "gateway/peer_identity.hpp"
#include "gateway/query_string.hpp"
#include "gateway/settings.hpp"
#include "policy/model.hpp"

namespace schakel::console {

class VerifyJob;

// One request as a page sees it.
struct Visit {
  Lang lang = Lang::kNl;
  std::shared_ptr<const policy::Policy> policy;  // the snapshot this request runs on
  std::optional<Session> session;
  const policy::ConsoleUser* user = nullptr;  // the session's user, in `policy`
  gateway::QueryParameters fields;            // the form (POST) or the query (GET)
  const gateway::PeerIdentity* peer = nullptr;

  [[nodiscard]] bool officer() const {
    return user && user->role == policy::ConsoleRole::kPrivacyOfficer;
  }
  [[nodiscard]] const std::string* field(std::string_view name) const;
  [[nodiscard]] Frame frame(std::string title) const;
};

enum class Need { kAnyone, kSignedIn, kOfficer };

class Console;
using Page = std::function<boost::asio::awaitable<gateway::Response>(Console&, const Visit&,
                                                                     const gateway::Request&)>;

struct PageRoute {
  std::string method;  // "GET" or "POST"
  std::string path;
  Need need = Need::kSignedIn;
  std::vector<std::string> fields;  // the query parameters (GET) or form fields (POST) it takes
  Page page;
};

class Console {
 public:
  // `clock`: seconds since the epoch (sessions, TOTP); the system clock unless a test sets one.
  [[nodiscard]] static std::expected<std::unique_ptr<Console>, std::string> create(
      const gateway::Settings& settings, std::function<std::int64_t()> clock = {});
  ~Console();

  [[nodiscard]] std::uint16_t port() const;
  void start();
  void stop();              // stops accepting and the I/O threads at once
  void drain();             // stops accepting, waits for connections to end (timeouts.drain), stops
  void run_until_signal();  // SIGTERM/SIGINT drain and stop; SIGHUP reloads policy and TLS (CRLs)

  [[nodiscard]] std::expected<void, std::string> add_page(PageRoute route);

  // What pages use.
  [[nodiscard]] const gateway::Settings& settings() const;
  [[nodiscard]] std::shared_ptr<const policy::Policy> policy() const;
  [[nodiscard]] const crypto::Pseudonymiser& pseudonymiser() const;
  [[nodiscard]] SessionStore& sessions();
  [[nodiscard]] VerifyJob& verify();
  [[nodiscard]] std::int64_t now() const;
  // Runs `work` on the console's blocking-work threads (trail scans, argon2,
  // appends), never on an I/O thread; nullopt when it threw.
  template <typename Work>
  boost::asio::awaitable<std::optional<std::invoke_result_t<Work&>>> blocking(Work work);
  // Appends a console record (kind "console", stamped now, `user` and `page`
  // in its details), durably and signed; its sequence, or why not.
  [[nodiscard]] boost::asio::awaitable<std::expected<std::uint64_t, std::string>> record(
      audit::AuditRecord record);
  // The person's audit tokens (every month with a key) for a valid BSN.
  [[nodiscard]] std::vector<std::string> tokens_of_bsn(std::string_view bsn) const;
  // Password sign-in, slow by design (one argon2id verification on every
  // path, a known user or not, so that the time tells nothing): run through
  // blocking(). kThrottled: past the console's overall rate of tries (30 a
  // minute), answered without a record so nobody floods the trail; kRefused
  // also when the user is past their own (a burst of 5, then one every 3
  // minutes) — told apart from a wrong password by nothing.
  enum class SignIn { kAccepted, kRefused, kThrottled };
  [[nodiscard]] SignIn password_sign_in(const policy::ConsoleUser* user, std::string_view password,
                                        std::string_view code);

  struct Impl;

 private:
  explicit Console(std::unique_ptr<Impl> impl);
  [[nodiscard]] boost::asio::any_io_executor work_executor() const;
  std::unique_ptr<Impl> impl_;
};

[[nodiscard]] const policy::ConsoleUser* find_user(const policy::Policy& policy,
                                                   std::string_view id);

// Adds every page (sign_in_pages.cpp, overview_page.cpp, trail_pages.cpp,
// chain_page.cpp, policy_pages.cpp, region_page.cpp): the one list of the console's pages.
[[nodiscard]] std::expected<void, std::string> add_pages(Console& console);

}  // namespace schakel::console

#include "gateway/blocking_work.hpp"

template <typename Work>
boost::asio::awaitable<std::optional<std::invoke_result_t<Work&>>>
schakel::console::Console::blocking(Work work) {
  auto ran = gateway::run_blocking(work_executor(), std::move(work));
  co_return co_await std::move(ran);
}
