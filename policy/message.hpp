#pragma once
// The canonical message every adapter decodes to and encodes from: one subject
// identifier and the data fields named in the guideline's field catalogue.
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace schakel::policy {

struct SubjectId {
  enum class Kind { kBsn, kPseudonym };
  Kind kind = Kind::kBsn;
  std::string value;
};

struct CanonicalMessage {
  SubjectId subject;
  nlohmann::json data = nlohmann::json::object();
  // Values of the partner's document no mapping named, dropped at decode
  // (adapters/mapped_json_codec.hpp): counted for the audit record, never named.
  std::size_t unmapped_dropped = 0;
  // Where those values were, when the format's own schema names them (FHIR's
  // element paths, "Patient.telecom"); sorted, each once. Never values, never a
  // member name a partner chose.
  std::vector<std::string> dropped_elements = {};
};

}  // namespace schakel::policy
