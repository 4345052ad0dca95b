#pragma once
// The region's signals ("who else is involved") and what they set off: the
// matches between two partners' signals about one person, and the
// notifications owed to the partners. Everything about a person is keyed by
// the person's pseudonym in the signal index domain (policy::kSignalIndexDomain,
// never issued): no BSN and no partner's pseudonym is ever stored.
// A registration, its matches and their notifications are one transaction;
// the notifications of a match are held by the match's audit record (held_by:
// the match id, the record's key in the RecordOutbox), so that nothing is
// notified before its record is durable and a crash in between loses nothing.
// An interface; its implementation (sqlite_*.hpp) runs on SQLite or, with
// PostgreSQL configured, on PostgreSQL (sqlite_db.hpp: one Database over both).
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace schakel::region {

struct Signal {
  std::string id;  // UUID the gateway gives
  std::string partner_oin;
  std::string purpose;
  std::string subject_index;  // pseudonym in the signal index domain
  std::string contact;        // one of the partner's contact points (region file)
  std::string registered_on;  // YYYY-MM-DD
  std::string active_until;   // YYYY-MM-DD, at most the purpose's signal_days later
  std::optional<std::string> withdrawn_on;
};

struct Match {
  std::string id;
  std::string signal_a;  // the earlier signal
  std::string signal_b;  // the one that made the match
  std::string matched_on;
};

// The reference of a notification about a match with a peer region's signal
// (issue 20): "peer:" + the match id. No row of `matches` holds such a match
// (one of its signals is the peer's), so pruning never takes it for the
// notification of a pruned match.
inline constexpr std::string_view kPeerMatchReference = "peer:";

// A notification owed to a partner: its body (no subject in it: the person is
// named at delivery in the recipient's own domain, from subject_index). Kind
// "match" (reference: the match) or "case" (reference: the case). Not due
// while held_by names a record the RecordOutbox still holds.
struct Notification {
  std::int64_t id = 0;
  std::string recipient_oin;
  std::string kind;  // "match" | "case"
  std::string body;  // JSON
  std::string subject_index;
  std::string reference;  // the match's or the case's id
  int attempts = 0;
  std::int64_t due_unix = 0;
  std::string held_by = {};  // the hold key of the record that must be durable first
};

struct NewMatch {
  Match match;
  Signal other;  // the earlier signal it matched
};

struct Registration {
  Signal signal;  // as stored (an earlier active signal of the same partner, renewed)
  bool renewed = false;
  std::vector<NewMatch> matches;  // new matches only: matching is idempotent
};

class SignalStore {
 public:
  virtual ~SignalStore() = default;

  // Stores `signal` (or renews the partner's active signal on the same person
  // and purpose) and matches it with every active signal on the person under
  // the purpose for which `may_match` holds; `notify` gives each match's
  // notifications. All in one transaction.
  [[nodiscard]] virtual std::expected<Registration, std::string> register_signal(
      const Signal& signal, const std::function<bool(const Signal& other)>& may_match,
      const std::function<std::vector<Notification>(const Match&, const Signal& other)>&
          notify) = 0;
  // Withdraws the partner's signal; false when it has no such active signal.
  [[nodiscard]] virtual std::expected<bool, std::string> withdraw(const std::string& id,
                                                                  const std::string& partner_oin,
                                                                  const std::string& today) = 0;
  // Active signals on the person (under any purpose), oldest first.
  [[nodiscard]] virtual std::expected<std::vector<Signal>, std::string> active_on(
      const std::string& subject_index, const std::string& today) = 0;
  [[nodiscard]] virtual std::expected<std::optional<Signal>, std::string> signal_by_id(
      const std::string& id) = 0;
  // Notifications due at `now_unix` and held by no record, at most `limit`,
  // each claimed (claim.hpp) until its attempt's outcome is stored.
  [[nodiscard]] virtual std::expected<std::vector<Notification>, std::string> due_notifications(
      std::int64_t now_unix, std::size_t limit) = 0;
  // Owes notifications (kind "case"), due at once once their holder is settled.
  [[nodiscard]] virtual std::expected<void, std::string> owe(
      const std::vector<Notification>& notifications) = 0;
  [[nodiscard]] virtual std::expected<void, std::string> delivered(std::int64_t id) = 0;
  [[nodiscard]] virtual std::expected<void, std::string> retry_at(std::int64_t id,
                                                                  std::int64_t due_unix) = 0;
  // Deletes signals whose history ended before `history_from` (with their
  // matches; secure_delete shreds the pages); the number deleted.
  [[nodiscard]] virtual std::expected<std::size_t, std::string> prune(
      const std::string& history_from) = 0;
};

}  // namespace schakel::region
