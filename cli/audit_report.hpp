#pragma once
// What `schakel audit query` and `audit export` print: a table of records
// for people, and the data-subject access report (JSON and a readable HTML
// page). Built from audit records only: names, categories and actions,
// never a value.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/query.hpp"
#include "policy/model.hpp"

namespace schakel::cli {

[[nodiscard]] std::string records_table(const std::vector<audit::QueriedRecord>& records);
[[nodiscard]] nlohmann::json subject_access_report(
    const policy::Policy& policy, const std::vector<audit::QueriedRecord>& records);
// `stylesheet`: empty for a page that stands alone (its style inline), or
// the address of a stylesheet (the console, whose CSP forbids inline style).
[[nodiscard]] std::string subject_access_html(const nlohmann::json& report,
                                              const std::string& stylesheet = "");

}  // namespace schakel::cli
