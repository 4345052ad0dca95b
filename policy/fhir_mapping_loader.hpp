#pragma once
// Reads the guideline's "fhir": which FHIR R4 element carries each catalogue
// field (fhir_mapping.hpp), checked against the R4 schema (fhir_schema.hpp):
//   "fhir": { "code_system": "https://.../CodeSystem/gegevens",
//     "fields": {
//       "birth_date": "Patient.birthDate",
//       "care_involved": { "element": "Observation.valueBoolean",
//                          "code": { "element": "Observation.code", "code": "care-involved" } },
//       "earlier_incidents": { "resource": "Observation",
//                              "code": { "element": "Observation.code", "code": "incident" },
//                              "fields": { "date": "Observation.effectiveDateTime" } } } }
// Errors name the file and JSON pointer. Refused, never resolved: an element
// R4 does not have; a path through an extension, a contained resource or a
// Reference (references are the codec's); a primitive whose type cannot carry
// the field's; a code on Patient (the one subject) or a required element of
// the resource that neither the code nor the codec fills; two fields at one
// element; a resource type both with and without a code, or an array field's
// resource shared with any other field — anything a decoder would have to guess.
#include <optional>

#include "common/json_reader.hpp"
#include "policy/fhir_mapping.hpp"
#include "policy/model.hpp"

namespace schakel::policy {

// Required top-level elements the codec writes itself, with the value it writes.
struct FhirFixedElement {
  std::string_view resource;
  std::string_view element;
  std::string_view value;  // a code; empty: the reference to the Patient
};
inline constexpr FhirFixedElement kFhirFixedElements[] = {
    {"Observation", "status", "final"},
    {"Flag", "status", "active"},
    {"Encounter", "status", "finished"},
    {"Communication", "status", "completed"},
    {"Observation", "subject", ""},
    {"Condition", "subject", ""},
    {"Flag", "subject", ""},
    {"Encounter", "subject", ""},
    {"Communication", "subject", ""},
    {"RelatedPerson", "patient", ""},
};

[[nodiscard]] std::optional<FhirMapping> read_fhir_mapping(
    ObjectReader& guideline, const std::map<std::string, FieldSpec, std::less<>>& catalogue);

}  // namespace schakel::policy
