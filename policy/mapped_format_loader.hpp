#pragma once
// Reads the region file's "formats": each a partner's own JSON shape
// (model.hpp, MappedFormat), checked against the guideline's catalogue:
//   "formats": { "gemeente-json": {
//       "subject": { "bsn": "/burger/bsn", "pseudonym": "/burger/pseudoniem" },
//       "fields": { "birth_date": "/burger/geboortedatum",
//                   "earlier_incidents": { "array": "/historie",
//                                          "fields": { "date": "/datum" } } } } }
// Errors name the file and JSON pointer: a pointer that does not parse or
// names the document itself, a field outside the catalogue, an array field
// mapped as a single value (or the reverse), and ambiguity — two things at
// one place, or one inside another — are refused, never resolved.
#include <map>
#include <string>

#include "common/json_reader.hpp"
#include "policy/model.hpp"

namespace schakel::policy {

[[nodiscard]] std::map<std::string, MappedFormat, std::less<>> read_mapped_formats(
    ObjectReader& region, const std::map<std::string, FieldSpec, std::less<>>& catalogue);

}  // namespace schakel::policy
