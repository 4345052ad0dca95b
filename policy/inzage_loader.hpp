#pragma once
// The "inzage" member of a purpose (inzage_rule.hpp says what it means):
// read from the guideline, narrowed by the region. Loader internals
// (loader.cpp), in a file of their own.
#include <functional>
#include <set>
#include <string>

#include "common/json_reader.hpp"
#include "policy/model.hpp"

namespace schakel::policy {

// Absent: visible, with the purpose's own location as its rule.
void read_inzage(ObjectReader& purpose_reader, const std::set<std::string, std::less<>>& roles,
                 Purpose& purpose);
// A region's "inzage" for a purpose it enables: only stricter than the guideline's.
void narrow_inzage(ObjectReader& purpose_reader, const std::set<std::string, std::less<>>& roles,
                   Purpose& purpose);

}  // namespace schakel::policy
