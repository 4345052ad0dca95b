#pragma once
// Loads the national guideline and one region file into a compiled Policy.
// Reports every error of a run at once, each with file and JSON pointer:
// unknown members, wrong types, dangling references (roles, fields,
// categories, partners) and every place where the region would widen the
// guideline (a field the guideline drops, a weaker transform, a longer
// retention, a role or level the purpose does not allow), and the peer
// regions with their verified directories (peers_loader.hpp).
#include <expected>
#include <filesystem>
#include <memory>

#include "common/config_error.hpp"
#include "policy/model.hpp"

namespace schakel::policy {

// kSkip: the region's "peers" are not read (nor their directories verified):
// `schakel peers publish` states the region's own partners, whatever its
// peers' files say, so that two regions can publish before either has the
// other's directory.
enum class PeerReading { kRead, kSkip };

struct PolicyFiles {
  std::filesystem::path guideline;
  std::filesystem::path region;
  PeerReading peers = PeerReading::kRead;
};

[[nodiscard]] std::expected<std::shared_ptr<const Policy>, ConfigErrors> load_policy(
    const PolicyFiles& files);

}  // namespace schakel::policy
