#pragma once
// "Who else is involved" (issue 14): what a partner's signal request means
// under the policy, without I/O of its own beyond the store. A partner
// registers that it is involved with a person under a purpose (its role in a
// pair of the purpose's `matching`), giving one of its contact points (region
// file) and an end (at most the purpose's signal_days); the person is stored
// only as the signal index pseudonym. Matching is symmetric (both partners
// are notified), idempotent (a renewed signal matches no one twice) and
// limited to the role pairs of the purpose. A question "who is involved" is
// answered as far as the same pairs allow. Every answer carries what the
// caller's audit record needs (the subject's token); refusals are problems
// naming the rule. Thread-safe as the store and pseudonymiser are.
#include <expected>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/calendar.hpp"
#include "common/problem.hpp"
#include "crypto/pseudonymiser.hpp"
#include "policy/model.hpp"
#include "region/signal_store.hpp"

namespace schakel::region {

struct SignalOutcome {
  Registration registration;
  std::string subject_token;  // the person's audit token
};

struct InvolvedAnswer {
  nlohmann::json involved = nlohmann::json::array();
  std::string subject_token;
  std::string purpose;
};

class SignalService {
 public:
  SignalService(SignalStore& store, const crypto::Pseudonymiser& pseudonymiser)
      : store_(store), pseudonymiser_(pseudonymiser) {}

  // POST /v1/signals: {"subject": {"bsn"|"pseudonym": ...}, "purpose", "contact", "until"?}
  [[nodiscard]] std::expected<SignalOutcome, Problem> register_signal(
      const policy::Policy& policy, const policy::Partner& sender, std::string_view body,
      calendar::Date today, const std::string& new_id) const;
  // DELETE /v1/signals/{id}: only the partner that registered it; the signal as withdrawn.
  [[nodiscard]] std::expected<Signal, Problem> withdraw(const policy::Partner& sender,
                                                        const std::string& signal_id,
                                                        calendar::Date today) const;
  // POST /v1/signals/query: {"subject": ..., "purpose"}, or the purpose as
  // `?purpose=` (`purpose_in_query`); given both ways it must be the same.
  [[nodiscard]] std::expected<InvolvedAnswer, Problem> involved(
      const policy::Policy& policy, const policy::Partner& sender, std::string_view body,
      calendar::Date today, const std::optional<std::string>& purpose_in_query = {}) const;
  // The person of a notification, in the recipient's own domain.
  [[nodiscard]] std::expected<std::string, Problem> pseudonym_for(
      const std::string& subject_index, const policy::Partner& recipient) const;
  // The audit token of the person behind an index pseudonym (for records written later).
  [[nodiscard]] std::optional<std::string> token_of(const std::string& subject_index) const;

 private:
  SignalStore& store_;
  const crypto::Pseudonymiser& pseudonymiser_;
};

}  // namespace schakel::region
