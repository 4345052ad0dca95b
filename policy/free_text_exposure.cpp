#include "policy/free_text_exposure.hpp"

namespace schakel::policy {
namespace {

std::vector<std::string> recipients_of(const Policy& policy, const Purpose& purpose) {
  std::vector<std::string> ids;
  for (const auto& partner : policy.partners()) {
    if (!purpose.recipients.contains(partner.role)) continue;
    if (!purpose.partners.empty() && !purpose.partners.contains(partner.id)) continue;
    ids.push_back(partner.id);
  }
  return ids;
}

}  // namespace

std::vector<FreeTextExposure> free_text_exposures(const Policy& policy) {
  std::vector<FreeTextExposure> out;
  for (const auto& [id, purpose] : policy.enabled_purposes()) {
    const auto recipients = recipients_of(policy, purpose);
    if (recipients.empty()) continue;
    for (const auto& [level, plan] : purpose.levels) {
      for (const auto& [field, rule] : plan.fields) {
        const FieldSpec* spec = policy.field(field);
        if (!spec || spec->type != FieldType::kText) continue;
        if (rule.transform != Transform::kRedact && rule.transform != Transform::kKeep) continue;
        out.push_back({id, level, field, rule.transform, recipients, rule.rule});
      }
    }
  }
  return out;
}

}  // namespace schakel::policy
