#pragma once
// Where a region relies on redaction: every enabled purpose and level under
// which a free-text field (type "text") reaches a recipient, redacted or kept.
// Redaction masks what it recognises, not everything personal, so `schakel
// policy lint` warns for each of these (a warning: the policy stays sound).
#include <string>
#include <vector>

#include "policy/model.hpp"

namespace schakel::policy {

struct FreeTextExposure {
  std::string purpose;
  int level = 0;
  std::string field;
  Transform transform = Transform::kRedact;  // kRedact or kKeep
  std::vector<std::string> recipients;       // ids of the region's partners that may receive
  std::string rule;                          // where the field's transform is set
};

// In purpose, level and field order; none for a purpose no partner may receive under.
[[nodiscard]] std::vector<FreeTextExposure> free_text_exposures(const Policy& policy);

}  // namespace schakel::policy
