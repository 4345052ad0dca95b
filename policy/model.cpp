#include "policy/model.hpp"

#include <array>
#include <utility>

namespace schakel::policy {
namespace {

constexpr std::array<std::pair<std::string_view, Transform>, 7> kTransforms{{
    {"keep", Transform::kKeep},
    {"year", Transform::kYear},
    {"age_band", Transform::kAgeBand},
    {"postcode4", Transform::kPostcode4},
    {"redact", Transform::kRedact},
    {"pseudonymise", Transform::kPseudonymise},
    {"drop", Transform::kDrop},
}};

constexpr std::array<std::pair<std::string_view, FieldType>, 11> kFieldTypes{{
    {"string", FieldType::kString},
    {"text", FieldType::kText},
    {"date", FieldType::kDate},
    {"postcode", FieldType::kPostcode},
    {"phone", FieldType::kPhone},
    {"email", FieldType::kEmail},
    {"number", FieldType::kNumber},
    {"boolean", FieldType::kBoolean},
    {"enum", FieldType::kEnum},
    {"object", FieldType::kObject},
    {"array", FieldType::kArray},
}};

template <typename Table, typename Value>
std::string_view name_of(const Table& table, Value value) {
  for (const auto& [name, item] : table) {
    if (item == value) return name;
  }
  return "?";
}

template <typename Table>
auto value_of(const Table& table, std::string_view text)
    -> std::optional<typename Table::value_type::second_type> {
  for (const auto& [name, item] : table) {
    if (name == text) return item;
  }
  return std::nullopt;
}

}  // namespace

int strength(Transform transform) {
  switch (transform) {
    case Transform::kKeep:
      return 0;
    case Transform::kYear:
    case Transform::kAgeBand:
    case Transform::kPostcode4:
      return 1;
    case Transform::kRedact:
      return 2;
    case Transform::kPseudonymise:
      return 3;
    case Transform::kDrop:
      return 4;
  }
  return 4;
}

std::string_view to_string(Transform transform) {
  return name_of(kTransforms, transform);
}
std::optional<Transform> parse_transform(std::string_view text) {
  return value_of(kTransforms, text);
}
std::string_view to_string(FieldType type) {
  return name_of(kFieldTypes, type);
}
std::optional<FieldType> parse_field_type(std::string_view text) {
  return value_of(kFieldTypes, text);
}

bool applies_to(Transform transform, FieldType type) {
  switch (transform) {
    case Transform::kKeep:
    case Transform::kDrop:
      return true;
    case Transform::kYear:
    case Transform::kAgeBand:
      return type == FieldType::kDate;
    case Transform::kPostcode4:
      return type == FieldType::kPostcode;
    case Transform::kRedact:
      return type == FieldType::kText || type == FieldType::kString;
    case Transform::kPseudonymise:
      return type == FieldType::kString || type == FieldType::kNumber;
  }
  return false;
}

Policy::Policy(std::string guideline_file, std::string region_file, std::string region_name,
               std::string hash, std::map<std::string, Category, std::less<>> categories,
               std::map<std::string, FieldSpec, std::less<>> fields,
               std::map<std::string, Purpose, std::less<>> guideline_purposes,
               std::map<std::string, Purpose, std::less<>> enabled_purposes,
               std::vector<Partner> partners, std::shared_ptr<const Redactor> redactor,
               std::map<std::string, MappedFormat, std::less<>> formats,
               std::optional<FhirMapping> fhir, std::vector<ConsoleUser> console_users)
    : guideline_file_(std::move(guideline_file)),
      region_file_(std::move(region_file)),
      region_name_(std::move(region_name)),
      hash_(std::move(hash)),
      categories_(std::move(categories)),
      fields_(std::move(fields)),
      guideline_purposes_(std::move(guideline_purposes)),
      enabled_purposes_(std::move(enabled_purposes)),
      partners_(std::move(partners)),
      redactor_(std::move(redactor)),
      formats_(std::move(formats)),
      fhir_(std::move(fhir)),
      console_users_(std::move(console_users)) {
  for (std::size_t i = 0; i < partners_.size(); ++i) partner_index_by_oin_[partners_[i].oin] = i;
}

std::string_view to_string(ConsoleRole role) {
  return role == ConsoleRole::kPrivacyOfficer ? "privacy_officer" : "region_admin";
}

const MappedFormat* Policy::mapped_format(std::string_view name) const {
  const auto it = formats_.find(name);
  return it == formats_.end() ? nullptr : &it->second;
}

const Partner* Policy::partner_by_oin(std::string_view oin) const {
  auto it = partner_index_by_oin_.find(oin);
  return it == partner_index_by_oin_.end() ? nullptr : &partners_[it->second];
}

template <typename Map>
static const typename Map::mapped_type* find_in(const Map& map, std::string_view key) {
  auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

const Purpose* Policy::enabled_purpose(std::string_view id) const {
  return find_in(enabled_purposes_, id);
}
const Purpose* Policy::guideline_purpose(std::string_view id) const {
  return find_in(guideline_purposes_, id);
}
const FieldSpec* Policy::field(std::string_view name) const {
  return find_in(fields_, name);
}
const Category* Policy::category(std::string_view id) const {
  return find_in(categories_, id);
}

}  // namespace schakel::policy
