#pragma once
// The guideline's map of FHIR R4 elements to catalogue fields ("fhir" in the
// guideline file, read by fhir_mapping_loader.hpp): the one place that says
// which element of which resource carries a field, for every partner whose
// format is application/fhir+json. Whatever it does not name never leaves
// the gateway (adapters/fhir_codec.hpp).
#include <optional>
#include <string>
#include <vector>

#include "policy/fhir_schema.hpp"

namespace schakel::policy {

// An element path below a resource, checked against the R4 schema:
// "Patient.address.postalCode" is {address (repeats), postalCode}.
struct FhirPath {
  std::string text;                  // as the guideline writes it, resource type first
  std::vector<fhir::Element> steps;  // from the resource down; the last is primitive
                                     // (or, for a code, a CodeableConcept or Coding)
};

// A resource that carries fields is told apart from others of its type by a
// code of the guideline's code system in one of its CodeableConcept or Coding
// elements (Observation.code, Encounter.class, ...).
struct FhirCode {
  FhirPath element;
  std::string code;
};

struct FhirFieldMapping {
  std::string field;                // catalogue field
  std::string resource;             // "Patient", "Observation", ...
  std::optional<FhirCode> code;     // none for Patient
  std::optional<FhirPath> element;  // a single field's element
  // An array field: each resource of this type and code is one element,
  // its members at these paths (FhirPath::text names the member's path).
  std::vector<std::pair<std::string, FhirPath>> members;
  std::string rule;  // where the guideline maps it
};

// The resources a field lives in: its type, and its code when it has one.
// Fields of one group share a resource; the codec and the loader key by it.
[[nodiscard]] inline std::string fhir_group(const FhirFieldMapping& field) {
  return field.resource +
         (field.code ? "|" + field.code->element.text + "|" + field.code->code : "");
}

struct FhirMapping {
  std::string code_system;  // the system of every FhirCode
  std::vector<FhirFieldMapping> fields;
  std::string rule;
};

}  // namespace schakel::policy
