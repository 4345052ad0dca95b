// The context of one message (pass 3 of the redaction): every value the
// sender put in any field, kept, transformed, dropped or unknown, and the
// subject's BSN, as words to look up (redaction_own_values.hpp); and the
// names its free text names, so that every other mention of them goes too.
#include "common/calendar.hpp"
#include "policy/field_values.hpp"
#include "policy/model.hpp"
#include "policy/redaction.hpp"
#include "policy/redaction_names.hpp"
#include "policy/redaction_own_values.hpp"

namespace schakel::policy {

namespace {

// Nine digits or more and nothing but digits, spaces and "+-()./": a phone
// number in a field the catalogue does not know.
bool looks_like_phone(const std::string& value) {
  std::size_t digits = 0;
  for (const char c : value) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (std::string_view(" +-()./").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return digits >= 9;
}

}  // namespace

class ContextBuilder {
 public:
  ContextBuilder(const redaction::NameFinder& names, const Policy& policy)
      : names_(names), policy_(policy), own_(std::make_unique<redaction::OwnValues>()) {}

  void add_subject(const SubjectId& subject) {
    if (subject.kind == SubjectId::Kind::kBsn) {
      own_->add_bsn(subject.value);
    } else {
      own_->add_text(RedactionKind::kValue, subject.value);
    }
  }

  // The members of /data, by their catalogue paths ("earlier_incidents.summary").
  void add_data(const std::string& prefix, const nlohmann::json& object) {
    for (const auto& [key, value] : object.items()) add_value(prefix + key, value);
  }

  [[nodiscard]] std::expected<RedactionContext, std::string> build() &&;

 private:
  // Longer than this, a string is prose: its names are taken, not the string.
  static constexpr std::size_t kLongestValue = 160;
  static constexpr std::size_t kMostForms = 20000;

  void add_value(const std::string& path, const nlohmann::json& value);
  void add_string(const FieldSpec* spec, const std::string& value);
  void add_names_of(const std::string& text) {
    for (auto& find : names_.find(text, {})) {
      for (auto& word : find.words) names_found_.insert(std::move(word));
    }
  }

  const redaction::NameFinder& names_;
  const Policy& policy_;
  std::unique_ptr<redaction::OwnValues> own_;
  std::unordered_set<std::string> names_found_;
};

void ContextBuilder::add_value(const std::string& path, const nlohmann::json& value) {
  if (value.is_object()) return add_data(path + ".", value);
  if (value.is_array()) {
    for (const auto& item : value) add_value(path, item);
    return;
  }
  if (value.is_string()) return add_string(policy_.field(path), value.get<std::string>());
  if (value.is_number_integer() || value.is_number_unsigned()) {
    own_->add_number(value.dump());
  } else if (value.is_number_float()) {
    own_->add_text(RedactionKind::kValue, value.dump());
  }  // booleans and null say nothing about a person
}

void ContextBuilder::add_string(const FieldSpec* spec, const std::string& value) {
  const FieldType type = spec ? spec->type : FieldType::kString;
  if (type == FieldType::kEnum) return;  // the catalogue's own words, the same for everyone
  if (type == FieldType::kText || value.size() > kLongestValue) return add_names_of(value);
  if (auto date = calendar::parse_date(value)) return own_->add_date(*date);
  if (type == FieldType::kEmail || value.find('@') != std::string::npos) own_->add_email(value);
  if (type == FieldType::kPhone || looks_like_phone(value)) own_->add_phone(value);
  own_->add_text(type == FieldType::kPostcode ? RedactionKind::kPostcode : RedactionKind::kValue,
                 value);
}

std::expected<RedactionContext, std::string> ContextBuilder::build() && {
  if (own_->size() > kMostForms) {
    return std::unexpected("the message holds more than " + std::to_string(kMostForms) +
                           " values to redact its free text by");
  }
  RedactionContext context;
  context.names_ = std::move(names_found_);
  if (own_->size() > 0) context.own_values_ = std::move(own_);
  return context;
}

std::expected<RedactionContext, std::string> Redactor::context(const CanonicalMessage& message,
                                                               const Policy& policy) const {
  ContextBuilder builder(*names_, policy);
  builder.add_subject(message.subject);
  if (message.data.is_object()) builder.add_data("", message.data);
  return std::move(builder).build();
}

}  // namespace schakel::policy
