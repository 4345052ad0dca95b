#pragma once
// The FHIR R4 elements Schakel knows: those of the resources it accepts
// (kAcceptedResources, plus Bundle and MessageHeader) and of every data type
// they reach, generated from the StructureDefinitions of the npm package
// `fhir` (scripts/make-fhir-schema.js -> fhir_schema_data.inc). The guideline's
// FHIR mapping is checked against it, the codec names dropped elements by it
// (only names the schema knows: a member name a partner made up is never
// repeated) and writes arrays where R4 repeats an element.
#include <array>
#include <span>
#include <string>
#include <string_view>

namespace schakel::policy::fhir {

struct Element {
  std::string_view owner;  // a resource, data type or backbone element ("Patient.contact")
  std::string_view name;   // "birthDate", "valueBoolean" (a choice type spelled out)
  std::string_view type;   // "date", "CodeableConcept", or the backbone's owner path
  bool repeats = false;    // 0..* in R4: an array in JSON
  bool required = false;   // min 1
};

inline constexpr std::array<std::string_view, 7> kAcceptedResources = {
    "Patient", "Observation", "Condition", "Flag", "Encounter", "RelatedPerson", "Communication"};

[[nodiscard]] bool is_accepted_resource(std::string_view type);
// The element `name` of `owner`, or null when R4 has none of that name.
[[nodiscard]] const Element* element(std::string_view owner, std::string_view name);
// Every element of `owner`, sorted by name.
[[nodiscard]] std::span<const Element> elements_of(std::string_view owner);
// A choice element's common name: "content" for contentString and
// contentAttachment (R4 spells value[x] out per type); the name otherwise.
[[nodiscard]] std::string choice_of(const Element& element);
// FHIR's primitive types are the lower-case ones ("date", "string", "boolean").
[[nodiscard]] bool is_primitive(std::string_view type);

}  // namespace schakel::policy::fhir
