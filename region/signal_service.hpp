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
#include <functional>
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

// Signals across regions (issue 20, signal_service_peers.cpp): what this
// gateway found for a peer region's partner, or owes its own partner.
struct PeerMatch {
  std::string match_id;
  Signal local;  // this region's signal that matched
};
struct PeerMatches {
  std::vector<PeerMatch> matches;
  std::string subject_token;
  std::string purpose;
  std::size_t notifications = 0;  // owed, held under the matches' ids (or the request's record)
};

struct InvolvedAnswer {
  nlohmann::json involved = nlohmann::json::array();
  std::string subject_token;
  std::string purpose;
};

// Whether signals about `purpose` cross between this region and the peer
// region `peer` (its entry lets the purpose cross both ways).
[[nodiscard]] bool signals_cross(const policy::Policy& policy, std::string_view peer,
                                 std::string_view purpose);

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
  // Signals across regions (issue 20). A purpose crosses for signals only when
  // a peer's entry lets it cross both ways. A new (not renewed) signal asks
  // each such peer region's gateway, by a notification of kind "peer-signal"
  // held under `held_by` (the registration's record), whether its partners are
  // involved; the number owed.
  [[nodiscard]] std::expected<std::size_t, Problem> ask_peers(const policy::Policy& policy,
                                                              const policy::Partner& sender,
                                                              const Signal& signal,
                                                              const std::string& held_by) const;
  // POST /v1/federation/signals: a peer region's partner (`remote`) is now
  // involved. Matched against this region's active signals on the person as
  // this region's pairs allow; per match a notification to this region's
  // partner ("match") and one to the remote partner ("peer-match", through
  // its gateway, which applies its own rules), both held under the match's id
  // — one id per pair of signals, whichever gateway finds the match (both may,
  // when both asks arrive after both registrations; the partner knows the
  // repeat by its id).
  [[nodiscard]] std::expected<PeerMatches, Problem> match_peer_signal(const policy::Policy& policy,
                                                                      const policy::Partner& remote,
                                                                      std::string_view body,
                                                                      calendar::Date today) const;
  // POST /v1/federation/notifications: a peer region's gateway found a match
  // between its partner (`remote`) and `recipient_oin`, a partner of this
  // region; owed to it ("match", held under `held_by`) only if this region's
  // pairs allow it and the partner has an active signal on the person. Whether
  // it has is not the peer's to learn: without one nothing is owed
  // (notifications 0) and the answer is the same.
  [[nodiscard]] std::expected<PeerMatches, Problem> accept_peer_match(
      const policy::Policy& policy, const policy::Partner& remote, const std::string& recipient_oin,
      std::string_view body, calendar::Date today, const std::string& held_by) const;
  // The audit token of the person behind an index pseudonym (for records written later).
  [[nodiscard]] std::optional<std::string> token_of(const std::string& subject_index) const;

 private:
  SignalStore& store_;
  const crypto::Pseudonymiser& pseudonymiser_;
};

}  // namespace schakel::region
