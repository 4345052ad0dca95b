#pragma once
// The "redact" transform of free text. Three passes, each one linear scan of
// the text (RE2's automata, no backtracking, for the first two; a word lookup
// for the third), whose finds are merged and masked as "[KIND]":
//   1. identifiers and structures: e-mail (also "jan [at] example.nl"), IBAN,
//      phone, BSN (nine digits; with separators after the 11-check; after
//      "bsn"), dates in the common Dutch forms (also a month and its year),
//      street + house number (a street named after a person is an address,
//      never a name), postcode, licence plate, a number after "dossier",
//      "cliëntnummer" ...;
//   2. person names: capitalised words after a title or cue ("mevrouw",
//      "de heer", "buurman", "genaamd", "aanwezig:" ...), after initials, in
//      a list with a name ("Daan en Emma"), or holding a name of the
//      gazetteer (config/redaction/names-nl.txt plus the region's
//      "redaction": {"names": [...]}), with their tussenvoegsels; and, through
//      the message's context, every other mention of a name found so anywhere
//      in the message's free text;
//   3. the message's own values (RedactionContext): every value the sender
//      put in any field and the subject's BSN, case- and
//      whitespace-insensitively, dates and numbers in their written forms.
// What it cannot promise: a name it has no cue for and does not know (a rare
// given name alone at a sentence's start) stays; lint says where a region
// relies on redaction.
// Invariants: a mask never cuts a word in two (what stays is never half an
// identifier); the output is the input with masks put in, nothing else
// changed; counts say how many masks of each kind, never what they hid.
#include <array>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "policy/message.hpp"

namespace schakel::policy {

class Policy;

enum class RedactionKind : std::uint8_t {
  kName,
  kAddress,
  kDate,
  kBsn,
  kIban,
  kEmail,
  kPhone,
  kPostcode,
  kPlate,
  kReference,  // a client, case or file number after its label ("dossier WIJK-2026-0042")
  kValue,      // one of the message's own values, of no kind above
};
inline constexpr std::size_t kRedactionKinds = 11;

[[nodiscard]] std::string_view to_string(RedactionKind kind);  // "name", "address", ...
[[nodiscard]] std::string_view mask_of(RedactionKind kind);    // "[NAME]", "[ADDRESS]", ...

// How many masks of each kind: what the decision record may say.
struct RedactionCounts {
  std::array<std::size_t, kRedactionKinds> by_kind{};

  void add(const RedactionCounts& other);
  [[nodiscard]] std::size_t total() const;
  // "name:3,date:1" in kind order, kinds with no mask left out; "none" when empty.
  [[nodiscard]] std::string summary() const;
};

struct Redacted {
  std::string text;
  RedactionCounts counts;
};

class Redactor;

namespace redaction {
class NameFinder;
class OwnValues;
}  // namespace redaction

// What one message adds to the redaction of its free text: its own values,
// as words to look up (no pattern compiled per message), and the names its
// free text names.
class RedactionContext {
 public:
  RedactionContext();
  ~RedactionContext();
  RedactionContext(RedactionContext&&) noexcept;
  RedactionContext& operator=(RedactionContext&&) noexcept;

  [[nodiscard]] const redaction::OwnValues* own_values() const { return own_values_.get(); }
  [[nodiscard]] const std::unordered_set<std::string>& names() const { return names_; }

 private:
  friend class ContextBuilder;
  friend class Redactor;
  std::unique_ptr<redaction::OwnValues> own_values_;  // null when the message has none
  std::unordered_set<std::string> names_;  // capitalised words of names found in its free text
};

class Redactor {
 public:
  // The built-in gazetteer plus `extra_names` (one name a string: "Jansen",
  // "de Jong", "van der Meer"); an error names the first that is no name.
  [[nodiscard]] static std::expected<std::shared_ptr<const Redactor>, std::string> create(
      std::span<const std::string> extra_names);
  // The built-in gazetteer alone (compiled into the binary; it parses, as a test proves).
  [[nodiscard]] static const Redactor& standard();

  explicit Redactor(std::unique_ptr<const redaction::NameFinder> names);
  ~Redactor();
  Redactor(const Redactor&) = delete;
  Redactor& operator=(const Redactor&) = delete;

  // The context of one message: its own values (every field but the catalogue's
  // free text and enums; unknown fields too) and the names in its free text.
  // Fails when the message has more values than the context holds (tens of
  // thousands of forms: redaction_context.cpp's kMostForms).
  [[nodiscard]] std::expected<RedactionContext, std::string> context(
      const CanonicalMessage& message, const Policy& policy) const;
  // The context of a lone text: the names it names.
  [[nodiscard]] RedactionContext context_of_text(std::string_view text) const;

  [[nodiscard]] Redacted redact(std::string_view text, const RedactionContext& context) const;

 private:
  std::unique_ptr<const redaction::NameFinder> names_;
};

}  // namespace schakel::policy
