#include "policy/model.hpp"

#include <algorithm>
#include <iterator>

#include <re2/re2.h>

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
               std::optional<FhirMapping> fhir, std::vector<ConsoleUser> console_users,
               std::vector<PeerRegion> peers, std::vector<Partner> remote_partners)
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
      console_users_(std::move(console_users)),
      peers_(std::move(peers)),
      remote_partners_(std::move(remote_partners)) {
  for (std::size_t i = 0; i < partners_.size(); ++i) partner_index_by_oin_[partners_[i].oin] = i;
  for (std::size_t i = 0; i < remote_partners_.size(); ++i) {
    remote_index_by_oin_.emplace(remote_partners_[i].oin, i);
  }
}

std::optional<Endpoint> parse_endpoint(const std::string& url) {
  static const re2::RE2 kUrl(
      R"(https://([A-Za-z0-9.\-]+|\[[0-9A-Fa-f:]+\]):([0-9]{1,5})(/[^\s?#]*)?)");
  std::string host, port_text, path;
  if (!re2::RE2::FullMatch(url, kUrl, &host, &port_text, &path)) return std::nullopt;
  const int port = std::stoi(port_text);
  if (port <= 0 || port > 65535) return std::nullopt;
  if (host.front() == '[') host = host.substr(1, host.size() - 2);
  return Endpoint{host, port_text, path.empty() ? "/" : path};
}

bool is_oin(std::string_view text) {
  return text.size() == 20 &&
         std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; });
}

bool PeerRegion::allows(std::string_view purpose, bool outgoing) const {
  auto it = purposes.find(purpose);
  if (it == purposes.end()) return false;
  return it->second.crossing == Crossing::kBoth ||
         it->second.crossing == (outgoing ? Crossing::kOut : Crossing::kIn);
}

const Partner* Policy::recipient_by_oin(std::string_view oin, bool* ambiguous) const {
  if (ambiguous) *ambiguous = false;
  if (const Partner* local = partner_by_oin(oin)) return local;
  auto [first, last] = remote_index_by_oin_.equal_range(oin);
  if (first == last) return nullptr;
  if (std::next(first) != last) {
    if (ambiguous) *ambiguous = true;
    return nullptr;
  }
  return &remote_partners_[first->second];
}

const Partner* Policy::remote_partner(std::string_view peer_id, std::string_view oin) const {
  auto [first, last] = remote_index_by_oin_.equal_range(oin);
  for (auto it = first; it != last; ++it) {
    if (remote_partners_[it->second].peer == peer_id) return &remote_partners_[it->second];
  }
  return nullptr;
}

const PeerRegion* Policy::peer(std::string_view id) const {
  auto it = std::ranges::find(peers_, id, &PeerRegion::id);
  return it == peers_.end() ? nullptr : &*it;
}

const PeerRegion* Policy::peer_by_gateway_oin(std::string_view oin) const {
  auto it = std::ranges::find(peers_, oin, &PeerRegion::gateway_oin);
  return it == peers_.end() ? nullptr : &*it;
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
