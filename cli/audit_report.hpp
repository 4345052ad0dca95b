#pragma once
// What `schakel audit query` prints: a table of records for people. Built
// from audit records only, never a value. (`audit export`'s access report
// is the person's inzage: inzage/report.hpp.)
#include <string>
#include <vector>

#include "audit/query.hpp"

namespace schakel::cli {

[[nodiscard]] std::string records_table(const std::vector<audit::QueriedRecord>& records);

}  // namespace schakel::cli
