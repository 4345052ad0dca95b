// schakel peers: publish this region's signed partner directory for its peer
// regions, and list the peers the region file names (issue 20).
#include <cstdio>
#include <filesystem>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/config_dir.hpp"
#include "common/calendar.hpp"
#include "common/text.hpp"
#include "crypto/key_files.hpp"
#include "crypto/key_store.hpp"
#include "policy/loader.hpp"
#include "policy/peer_directory.hpp"

namespace schakel::cli {
namespace {

constexpr std::string_view kCommand = "peers";

constexpr const char* kUsage = R"(Usage:
  schakel peers publish --config DIR --out FILE
      Writes this region's partner directory for its peer regions: the region's
      name, every partner's OIN, name and role, and the gateway's federation
      key (for transit pseudonyms), signed with the gateway's checkpoint key.
      Hand FILE to each peer region with the line of `schakel keys
      export-public`; a peer names both in its region file ("peers") and its
      gateway verifies the signature whenever it loads its policy. Publish
      again whenever a partner comes or goes. The region's own "peers" are
      not read, so two regions can publish before either has the other's file.
  schakel peers list --config DIR
      The peer regions the region file names: their gateway, the date of the
      directory in force, how many partners it lists and which purposes may
      cross which way. Loads and verifies everything as `serve` would.
)";

int publish(const gateway::Settings& settings, const Args& args) {
  const auto out = args.option("out");
  if (!out || out->empty()) return fail(kCommand, "peers publish needs --out FILE");
  auto policy =
      policy::load_policy({settings.guideline, settings.region, policy::PeerReading::kSkip});
  if (!policy) return fail(kCommand, "the policy is not valid:\n" + join_lines(policy.error()));
  auto keys = crypto::KeyStore::load(settings.keys_dir);
  if (!keys) return fail(kCommand, keys.error());
  const auto directory =
      policy::directory_of(**policy, *keys, calendar::format_instant(std::time(nullptr)));
  const std::string text = policy::signed_directory(directory, *keys).dump(2) + "\n";
  std::error_code ec;
  if (std::filesystem::is_directory(*out, ec)) {
    return fail(kCommand, *out + " is a directory; name the file to write");
  }
  // Public (0644 under the umask): it is handed to the peer regions as it is.
  if (auto written = crypto::replace_file(*out, text, 0644); !written) {
    return fail(kCommand, written.error());
  }
  const std::filesystem::path target = *out;
  std::printf("peers: directory of %s (%zu partners) written to %s\n", directory.region.c_str(),
              directory.partners.size(), target.c_str());
  return 0;
}

const char* direction(policy::Crossing crossing) {
  switch (crossing) {
    case policy::Crossing::kOut:
      return "out";
    case policy::Crossing::kIn:
      return "in";
    case policy::Crossing::kBoth:
      break;
  }
  return "both";
}

int list(const gateway::Settings& settings) {
  auto policy = policy_of(settings);
  if (!policy) return fail(kCommand, policy.error(), kExitCheckFailed);
  const auto& peers = (*policy)->peers();
  if (peers.empty())
    std::printf("peers: region %s names no peer region\n", (*policy)->region_name().c_str());
  for (const auto& peer : peers) {
    std::size_t partners = 0;
    for (const auto& partner : (*policy)->remote_partners()) partners += partner.peer == peer.id;
    std::printf("%s  (%s)  %s  gateway %s\n  directory %s of %s, %zu partners\n", peer.id.c_str(),
                peer.region.c_str(), peer.endpoint_url.c_str(), peer.gateway_oin.c_str(),
                peer.directory_file.c_str(), peer.directory_issued.c_str(), partners);
    for (const auto& [purpose, crossing] : peer.purposes) {
      std::printf("  %-32s %s\n", purpose.c_str(), direction(crossing.crossing));
    }
  }
  return 0;
}

}  // namespace

int peers_command(int argc, char** argv) {
  Args args(argc, argv, 2, {"config", "out"}, {"help"});
  if (args.flag("help")) return std::fputs(kUsage, stdout), 0;
  if (!args.ok() || args.positional().size() != 1) {
    return usage_error(kCommand, args.ok() ? "expected publish or list" : args.error(), kUsage);
  }
  const std::string& action = args.positional()[0];
  if (!args.option("config")) return fail(kCommand, "peers " + action + " needs --config DIR");
  auto settings = settings_of(*args.option("config"));
  if (!settings) return fail(kCommand, settings.error());
  if (action == "publish") return publish(*settings, args);
  if (action == "list") return list(*settings);
  return usage_error(kCommand, "unknown action " + action + "; expected publish or list", kUsage);
}

}  // namespace schakel::cli
