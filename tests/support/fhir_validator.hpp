#pragma once
// Validates FHIR R4 documents with a validator nobody here wrote: the npm
// package `fhir` (tests/support/fhir/validate.js, installed by
// scripts/bootstrap.sh). The errors it finds, one per line; a validator that
// cannot run at all is an error too, never a pass.
#include <string>
#include <vector>

namespace schakel::testing {

[[nodiscard]] std::vector<std::string> fhir_validation_errors(
    const std::vector<std::string>& documents);

inline std::vector<std::string> fhir_validation_errors(const std::string& document) {
  return fhir_validation_errors(std::vector<std::string>{document});
}

}  // namespace schakel::testing
