#include "cli/audit_report.hpp"

#include <cstdio>

namespace schakel::cli {
namespace {

std::string text_of(const nlohmann::json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string records_table(const std::vector<audit::QueriedRecord>& records) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-8s %-24s %-10s %-9s %-20s %-20s %s\n", "SEQ", "TIME", "KIND",
                "OUTCOME", "SENDER", "RECIPIENT", "PURPOSE / RULE");
  out += line;
  for (const auto& record : records) {
    const auto& body = record.body;
    std::string purpose = text_of(body, "purpose");
    if (!text_of(body, "rule").empty()) purpose += "  (" + text_of(body, "rule") + ")";
    std::snprintf(line, sizeof line, "%-8llu %-24s %-10s %-9s %-20s %-20s %s\n",
                  static_cast<unsigned long long>(record.sequence),
                  text_of(body, "start_time").c_str(), text_of(body, "kind").c_str(),
                  text_of(body, "outcome").c_str(), text_of(body, "sender").c_str(),
                  text_of(body, "recipient").c_str(), purpose.c_str());
    out += line;
  }
  out += std::to_string(records.size()) + " record(s)\n";
  return out;
}

}  // namespace schakel::cli
