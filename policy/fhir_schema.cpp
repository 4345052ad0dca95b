#include "policy/fhir_schema.hpp"

#include <algorithm>
#include <tuple>

namespace schakel::policy::fhir {
namespace {

constexpr Element kElements[] = {
#include "policy/fhir_schema_data.inc"
};

constexpr auto key(const Element& e) {
  return std::tuple(e.owner, e.name);
}

}  // namespace

bool is_accepted_resource(std::string_view type) {
  return std::ranges::find(kAcceptedResources, type) != kAcceptedResources.end();
}

const Element* element(std::string_view owner, std::string_view name) {
  const auto* at = std::ranges::lower_bound(kElements, std::tuple(owner, name), {}, key);
  return at != std::end(kElements) && key(*at) == std::tuple(owner, name) ? at : nullptr;
}

std::span<const Element> elements_of(std::string_view owner) {
  auto [first, last] =
      std::ranges::equal_range(kElements, owner, {}, [](const Element& e) { return e.owner; });
  return {first, last};
}

std::string choice_of(const Element& element) {
  std::string type(element.type);
  if (!type.empty() && type[0] >= 'a' && type[0] <= 'z')
    type[0] = static_cast<char>(type[0] - 'a' + 'A');
  const std::string_view name = element.name;
  return name.size() > type.size() && name.ends_with(type)
             ? std::string(name.substr(0, name.size() - type.size()))
             : std::string(name);
}

bool is_primitive(std::string_view type) {
  return !type.empty() && type.front() >= 'a' && type.front() <= 'z';
}

}  // namespace schakel::policy::fhir
