#include "policy/redaction.hpp"

#include <algorithm>
#include <cstdlib>

#include "policy/redaction_detail.hpp"
#include "policy/redaction_names.hpp"
#include "policy/redaction_own_values.hpp"

namespace schakel::policy {

// The built-in gazetteer, config/redaction/names-nl.txt, compiled in (policy/CMakeLists.txt).
std::string_view standard_gazetteer_text();

namespace redaction {
namespace {

std::uint32_t code_point_at(std::string_view text, std::size_t at, std::size_t length) {
  const auto lead = static_cast<unsigned char>(text[at]);
  std::uint32_t point = length == 2   ? (lead & 0x1fu)
                        : length == 3 ? (lead & 0x0fu)
                                      : (lead & 0x07u);
  for (std::size_t i = 1; i < length && at + i < text.size(); ++i) {
    point = (point << 6) | (static_cast<unsigned char>(text[at + i]) & 0x3fu);
  }
  return point;
}

std::size_t length_at(std::string_view text, std::size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  const std::size_t length = lead < 0xc0 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
  return std::min(length, text.size() - at);
}

CharClass class_of(std::string_view text, std::size_t at) {
  const char c = text[at];
  if (c >= '0' && c <= '9') return CharClass::kDigit;
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return CharClass::kLetter;
  if (static_cast<unsigned char>(c) < 0xc0) return CharClass::kNone;  // ASCII or a broken byte
  const std::uint32_t point = code_point_at(text, at, length_at(text, at));
  const bool symbol =
      point < 0xc0 || point == 0xd7 || point == 0xf7 || (point >= 0x2000 && point <= 0x2bff) ||
      (point >= 0x3000 && point <= 0x303f) || (point >= 0xfe30 && point <= 0xfe4f) ||
      (point >= 0xff00 && point <= 0xff20) || point >= 0x1f000;
  return symbol ? CharClass::kNone : CharClass::kLetter;
}

}  // namespace

CharClass class_after(std::string_view text, std::size_t at) {
  return at < text.size() ? class_of(text, at) : CharClass::kNone;
}

CharClass class_before(std::string_view text, std::size_t at) {
  if (at == 0 || at > text.size()) return CharClass::kNone;
  std::size_t start = at - 1;
  while (start > 0 && at - start < 4 &&
         (static_cast<unsigned char>(text[start]) & 0xc0u) == 0x80u) {
    --start;
  }
  return class_of(text, start);
}

std::size_t next_char(std::string_view text, std::size_t at) {
  std::size_t next = at + 1;
  while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xc0u) == 0x80u) ++next;
  return next;
}

bool whole_words(std::string_view text, std::size_t begin, std::size_t end) {
  if (begin >= end) return false;
  const CharClass first = class_after(text, begin);
  const CharClass before = class_before(text, begin);
  if (first == CharClass::kLetter && before != CharClass::kNone) return false;
  if (first == CharClass::kDigit && before == CharClass::kDigit) return false;
  const CharClass last = class_before(text, end);
  const CharClass after = class_after(text, end);
  if (last == CharClass::kLetter && after != CharClass::kNone) return false;
  if (last == CharClass::kDigit && after == CharClass::kDigit) return false;
  return true;
}

}  // namespace redaction

namespace {

using redaction::Found;

constexpr std::string_view kKindNames[kRedactionKinds] = {"name",  "address",   "date",  "bsn",
                                                          "iban",  "email",     "phone", "postcode",
                                                          "plate", "reference", "value"};
constexpr std::string_view kMasks[kRedactionKinds] = {
    "[NAME]",  "[ADDRESS]",  "[DATE]",     "[BSN]",       "[IBAN]", "[EMAIL]",
    "[PHONE]", "[POSTCODE]", "[KENTEKEN]", "[REFERENCE]", "[VALUE]"};

// Overlapping finds become one mask, of the kind of the one that starts first
// (the longest of those, the lowest kind of those); touching finds stay apart.
std::vector<Found> merged(std::vector<Found> found) {
  std::ranges::sort(found, [](const Found& a, const Found& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    if (a.end != b.end) return a.end > b.end;
    return a.kind < b.kind;
  });
  std::vector<Found> out;
  for (const auto& next : found) {
    if (!out.empty() && next.begin < out.back().end) {
      out.back().end = std::max(out.back().end, next.end);
    } else {
      out.push_back(next);
    }
  }
  return out;
}

bool overlaps_an_address(const Found& name, const std::vector<Found>& structured) {
  return std::ranges::any_of(structured, [&](const Found& other) {
    return other.kind == RedactionKind::kAddress && other.begin < name.end &&
           name.begin < other.end;
  });
}

// Pass 3: the message's own values.
void find_own_values(std::string_view text, const RedactionContext& context,
                     std::vector<Found>& found) {
  if (const auto* own = context.own_values()) {
    for (const auto& value : own->find(text)) found.push_back(value);
  }
}

}  // namespace

std::string_view to_string(RedactionKind kind) {
  return kKindNames[static_cast<std::size_t>(kind)];
}

std::string_view mask_of(RedactionKind kind) {
  return kMasks[static_cast<std::size_t>(kind)];
}

void RedactionCounts::add(const RedactionCounts& other) {
  for (std::size_t i = 0; i < kRedactionKinds; ++i) by_kind[i] += other.by_kind[i];
}

std::size_t RedactionCounts::total() const {
  std::size_t sum = 0;
  for (const auto count : by_kind) sum += count;
  return sum;
}

std::string RedactionCounts::summary() const {
  std::string out;
  for (std::size_t i = 0; i < kRedactionKinds; ++i) {
    if (by_kind[i] == 0) continue;
    if (!out.empty()) out += ',';
    out += std::string(kKindNames[i]) + ":" + std::to_string(by_kind[i]);
  }
  return out.empty() ? "none" : out;
}

RedactionContext::RedactionContext() = default;
RedactionContext::~RedactionContext() = default;
RedactionContext::RedactionContext(RedactionContext&&) noexcept = default;
RedactionContext& RedactionContext::operator=(RedactionContext&&) noexcept = default;

Redactor::Redactor(std::unique_ptr<const redaction::NameFinder> names) : names_(std::move(names)) {}
Redactor::~Redactor() = default;

std::expected<std::shared_ptr<const Redactor>, std::string> Redactor::create(
    std::span<const std::string> extra_names) {
  redaction::Gazetteer gazetteer;
  if (auto parsed = gazetteer.add_lines(standard_gazetteer_text()); !parsed) {
    return std::unexpected("config/redaction/names-nl.txt " + parsed.error());
  }
  for (const auto& name : extra_names) {
    if (auto added = gazetteer.add(name); !added) return std::unexpected(added.error());
  }
  return std::make_shared<const Redactor>(
      std::make_unique<const redaction::NameFinder>(std::move(gazetteer)));
}

const Redactor& Redactor::standard() {
  static const auto redactor = [] {
    auto made = create({});
    if (!made) std::abort();  // compiled-in data; tests/policy prove it parses
    return *made;
  }();
  return *redactor;
}

RedactionContext Redactor::context_of_text(std::string_view text) const {
  RedactionContext context;
  std::unordered_set<std::string> names;
  for (auto& find : names_->find(text, {})) {
    for (auto& word : find.words) names.insert(std::move(word));
  }
  context.names_ = std::move(names);
  return context;
}

Redacted Redactor::redact(std::string_view text, const RedactionContext& context) const {
  std::vector<Found> found = redaction::find_structured(text);
  const auto addresses = found;
  for (const auto& name : names_->find(text, context.names())) {
    // A street named after a person ("in de Van Speijkstraat 88") is an
    // address: the name's find would swallow the words before it.
    if (!overlaps_an_address(name.found, addresses)) found.push_back(name.found);
  }
  find_own_values(text, context, found);
  Redacted out;
  out.text.reserve(text.size());
  std::size_t at = 0;
  for (const auto& mask : merged(std::move(found))) {
    out.text.append(text.substr(at, mask.begin - at));
    out.text.append(mask_of(mask.kind));
    ++out.counts.by_kind[static_cast<std::size_t>(mask.kind)];
    at = mask.end;
  }
  out.text.append(text.substr(at));
  return out;
}

}  // namespace schakel::policy
