#pragma once
// Pass 3 of the redaction: the message's own values, as sequences of words
// (redaction_tokens.hpp). A value's words match the text's words in order,
// separated by at most a little whitespace or punctuation, in any case; its
// numbers match digits however they are grouped ("0612345678" is
// "06 - 12 34 56 78"), so a date's numeric forms and a phone number's are
// just digit strings. Built once per message, no pattern compiled; finding
// looks up each word of the text in a map from first words to forms, so it
// is linear in the text (times the few forms that share a first word).
#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "policy/redaction_detail.hpp"
#include "policy/redaction_tokens.hpp"

namespace schakel::policy::redaction {

class OwnValues {
 public:
  // The whole value, its ends of two words or more ("El Amrani", "van der
  // Meer"), its capitalised words ("Sanne", "Amrani") and its long numbers.
  void add_text(RedactionKind kind, std::string_view value);
  void add_number(std::string_view digits);
  void add_date(std::chrono::year_month_day date);
  void add_phone(std::string_view value);
  void add_email(std::string_view value);
  void add_bsn(std::string_view bsn);

  [[nodiscard]] std::size_t size() const { return forms_.size(); }
  [[nodiscard]] std::vector<Found> find(std::string_view text) const;

 private:
  enum class Fillers { kNone, kDate, kEmail };  // words a form may skip: "24e", "[at]"
  struct Unit {
    std::string normal;
    bool digits = false;
  };
  struct Form {
    std::vector<Unit> units;
    RedactionKind kind = RedactionKind::kValue;
    bool capitalised = false;     // a single word of a value: the text's must be capitalised too
    std::size_t least_words = 1;  // "3481" from 3-4-81 only as three numbers
    Fillers fillers = Fillers::kNone;
  };

  void add(Form form);
  // The end (one past the last word) of `form` matched from words[first], or 0.
  [[nodiscard]] std::size_t match(const Form& form, std::string_view text,
                                  const std::vector<Word>& words, std::size_t first) const;

  std::vector<Form> forms_;
  std::unordered_map<std::string, std::vector<std::size_t>> by_first_;  // first unit's key
  std::map<std::string, bool> seen_;  // forms added, to add each once
};

}  // namespace schakel::policy::redaction
