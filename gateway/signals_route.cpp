#include "gateway/signals_route.hpp"

#include <memory>

#include "gateway/audited_answer.hpp"
#include "gateway/envelope.hpp"

namespace schakel::gateway {

std::expected<void, std::string> add_signal_routes(Router& router, SignalRouteParts given) {
  auto parts = std::make_shared<SignalRouteParts>(std::move(given));
  auto route = [parts](AnswerWork work) {
    return [parts, work = std::move(work)](const PeerIdentity& peer, const Request& request) {
      return audited_answer({parts->policy, parts->audit, "signal"}, peer, request, work);
    };
  };
  auto registered = route([parts](const policy::Policy& policy, const policy::Partner& sender,
                                  const Request& request) -> std::expected<Answer, Problem> {
    auto outcome = parts->service.register_signal(policy, sender, request.body, parts->today(),
                                                  new_transaction_id());
    if (!outcome) return std::unexpected(outcome.error());
    const auto& signal = outcome->registration.signal;
    if (!outcome->registration.matches.empty() && parts->wake_notifier) parts->wake_notifier();
    return Answer{outcome->registration.renewed ? "renewed" : "registered",
                  outcome->registration.renewed ? 200 : 201,
                  {{"signal", signal.id},
                   {"active_until", signal.active_until},
                   {"renewed", outcome->registration.renewed},
                   {"matches", outcome->registration.matches.size()}},
                  signal.purpose,
                  outcome->subject_token,
                  {{"signal", signal.id},
                   {"active_until", signal.active_until},
                   {"matches", std::to_string(outcome->registration.matches.size())}}};
  });
  auto withdrawn = route([parts](const policy::Policy&, const policy::Partner& sender,
                                 const Request& request) -> std::expected<Answer, Problem> {
    auto done = parts->service.withdraw(sender, path_segment(request.target, 2), parts->today());
    if (!done) return std::unexpected(done.error());
    return Answer{"withdrawn",
                  200,
                  {{"withdrawn", true}},
                  done->purpose,
                  parts->service.token_of(done->subject_index).value_or(""),
                  {{"signal", done->id}, {"withdrawn_on", done->withdrawn_on.value_or("")}}};
  });
  auto answered = route([parts](const policy::Policy& policy, const policy::Partner& sender,
                                const Request& request) -> std::expected<Answer, Problem> {
    auto answer = parts->service.involved(policy, sender, request.body, parts->today());
    if (!answer) return std::unexpected(answer.error());
    const auto count = answer->involved.size();
    return Answer{"answered",
                  200,
                  {{"involved", std::move(answer->involved)}},
                  answer->purpose,
                  answer->subject_token,
                  {{"involved", std::to_string(count)}}};
  });
  if (auto ok = router.add("POST", "/v1/signals", registered); !ok) return ok;
  if (auto ok = router.add("DELETE", "/v1/signals/{id}", withdrawn); !ok) return ok;
  return router.add("POST", "/v1/signals/query", answered);
}

}  // namespace schakel::gateway
