// The chain's state (issue 16): the last verification (records, first
// sequence, checkpoints and whether their signatures were checked, the head
// hash, a torn tail, the first bad sequence and why) and "verify now", which
// runs in the background (verify_job.hpp); while it runs the page reloads
// itself every second and shows how many records it has checked.
#include "console/pages.hpp"
#include "console/verify_job.hpp"

namespace schakel::console {
namespace {

namespace asio = boost::asio;
using gateway::Request;
using gateway::Response;

std::string report_table(Lang l, const VerifyState& state) {
  const auto& r = *state.report;
  std::vector<std::vector<std::string>> rows{
      {escape(tr(l, "Uitkomst", "Result")),
       r.intact()
           ? "<span class=\"ok\">" + std::string(tr(l, "intact", "intact")) + "</span>"
           : "<span class=\"bad\">" + std::string(tr(l, "GEBROKEN bij", "BROKEN at")) + " " +
                 std::to_string(r.first_bad_sequence) + ": " + escape(r.problem) + "</span>"},
      {escape(tr(l, "Records", "Records")), std::to_string(r.records)},
      {escape(tr(l, "Eerste volgnummer", "First sequence")), std::to_string(r.first_sequence)},
      {escape(tr(l, "Controlepunten", "Checkpoints")),
       std::to_string(r.checkpoints) + " (" +
           std::string(r.signatures_checked
                           ? tr(l, "handtekeningen geldig", "signatures valid")
                           : tr(l, "handtekeningen niet gecontroleerd", "signatures not checked")) +
           ")"},
      {escape(tr(l, "Laatste controlepunt", "Last checkpoint")),
       std::to_string(r.last_checkpoint_sequence)},
      {escape(tr(l, "Kop-hash", "Head hash")), "<code>" + escape(r.head_hash) + "</code>"},
      {escape(tr(l, "Afgebroken staart (bytes)", "Torn tail (bytes)")),
       std::to_string(r.torn_bytes)},
      {escape(tr(l, "Gecontroleerd", "Verified")), escape(state.finished)},
  };
  return table({"", ""}, rows);
}

asio::awaitable<Response> chain(Console& console, const Visit& visit, const Request&) {
  const Lang l = visit.lang;
  const VerifyState state = console.verify().state();
  std::string body;
  Frame frame = visit.frame(std::string(tr(l, "Keten van het logboek", "The trail's chain")));
  if (state.running) {
    frame.refresh_seconds = 1;
    body += "<p role=\"status\">" + std::string(tr(l, "Controle loopt: ", "Verifying: ")) +
            std::to_string(state.checked) + " " +
            std::string(tr(l, "records gecontroleerd", "records checked")) +
            "</p><progress aria-label=\"" + std::string(tr(l, "voortgang", "progress")) +
            "\"></progress>";
  } else {
    body += "<form method=\"post\" action=\"/chain/verify\">" + hidden_csrf(visit.session->csrf) +
            "<button type=\"submit\">" + std::string(tr(l, "Nu controleren", "Verify now")) +
            "</button></form>";
  }
  if (state.report) {
    body += "<h2>" + std::string(tr(l, "Laatste controle", "Last verification")) + "</h2>" +
            report_table(l, state);
  } else if (!state.error.empty()) {
    body += "<p class=\"error\">" + escape(state.error) + "</p>";
  } else if (!state.running) {
    body += "<p class=\"note\">" +
            std::string(tr(l, "Sinds de start van de console nog niet gecontroleerd.",
                           "Not verified since the console started.")) +
            "</p>";
  }
  co_return page(frame, body);
}

asio::awaitable<Response> verify_now(Console& console, const Visit&, const Request&) {
  (void)console.verify().start();  // one at a time: a second press joins the run in progress
  co_return see_other("/chain");
}

}  // namespace

std::expected<void, std::string> add_chain_page(Console& console) {
  if (auto added = console.add_page({"GET", "/chain", Need::kSignedIn, {}, chain}); !added) {
    return added;
  }
  return console.add_page({"POST", "/chain/verify", Need::kSignedIn, {}, verify_now});
}

}  // namespace schakel::console
