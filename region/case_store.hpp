#pragma once
// Case consultations at the ZVH (issue 14): a person (as the signal index
// pseudonym, never a BSN or a partner's pseudonym), a purpose, the director,
// the participants, the level and its history, agreed actions and decisions.
// Free text in a case (reasons, actions, decisions) is stored only as the
// guideline's redaction left it. A case is one document, changed only by
// update(), which reads, changes and writes it in one transaction — two
// changes never interleave. An interface; its implementation runs on
// SQLite or PostgreSQL (sqlite_db.hpp: one Database over both).
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace schakel::region {

struct CaseParticipant {
  std::string partner_oin;
  std::string contact;
  std::string joined_on;
};

struct CaseLevelChange {
  int level = 0;
  std::string reason;  // redacted
  std::string changed_on;
  std::string by_oin;
};

struct CaseAction {
  std::string id;
  std::string what;  // redacted
  std::string owner_oin;
  std::string due;
  std::optional<std::string> done_on;
};

struct CaseDecision {
  std::string id;
  std::string text;  // redacted
  std::string decided_on;
};

struct Case {
  std::string id;  // case_service.hpp's new_case_id(): no digits, so it passes as a Schakel-Case
  std::string purpose;
  std::string subject_index;
  std::string director_oin;
  int level = 0;
  std::string opened_on;
  std::optional<std::string> closed_on;
  std::vector<CaseParticipant> participants;  // the director first
  std::vector<CaseLevelChange> levels;        // the opening level first
  std::vector<CaseAction> actions;
  std::vector<CaseDecision> decisions;

  [[nodiscard]] const CaseParticipant* participant(const std::string& oin) const;
};

void to_json(nlohmann::json& out, const Case& value);
void from_json(const nlohmann::json& in, Case& value);

class CaseStore {
 public:
  virtual ~CaseStore() = default;
  [[nodiscard]] virtual std::expected<void, std::string> create(const Case& value) = 0;
  [[nodiscard]] virtual std::expected<std::optional<Case>, std::string> load(
      const std::string& id) = 0;
  // Applies `change` to the stored case and writes it, in one transaction;
  // a change that returns false writes nothing. nullopt: no such case.
  [[nodiscard]] virtual std::expected<std::optional<Case>, std::string> update(
      const std::string& id, const std::function<bool(Case&)>& change) = 0;
  // Deletes the cases of `purpose` closed before `closed_before` (YYYY-MM-DD;
  // secure_delete shreds their pages); how many.
  [[nodiscard]] virtual std::expected<std::size_t, std::string> prune_closed(
      const std::string& purpose, const std::string& closed_before) = 0;
};

}  // namespace schakel::region
