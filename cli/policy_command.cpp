// schakel policy: lint (and explain).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/config_dir.hpp"
#include "cli/policy_explain.hpp"
#include "common/text.hpp"
#include "crypto/key_store.hpp"
#include "gateway/settings.hpp"
#include "policy/free_text_exposure.hpp"
#include "policy/loader.hpp"

namespace schakel::cli {
namespace {

constexpr const char* kUsage = R"(Usage:
  schakel policy lint (DIR | --config DIR)
      Loads the guideline and region that DIR/schakel.json names and reports
      every error, one a line as FILE: JSON-POINTER: MESSAGE.
      Exit 0 when sound, 1 when not. A sound policy may still have warnings:
      every purpose and level where free text reaches a recipient, redacted
      or kept (redaction masks what it recognises, not everything personal).
      And one line a purpose whose exchanges the person's inzage defers or
      withholds, with its legal ground.
  schakel policy explain (DIR | --config DIR) --from OIN --to OIN --purpose ID
                         [--level 1|2|3] MESSAGE.json [--json]
      What the recipient would receive for this message and, for every field,
      the rule (file and JSON path) that kept, transformed or dropped it; or
      the rule that refuses the message. MESSAGE is in the sender's format
      (region file): canonical JSON, its mapped JSON shape or FHIR R4; for
      FHIR, each field's element on both sides and every dropped element.
      Exit 0 allowed, 1 refused.
)";

// One warning a purpose, level and field where free text reaches a recipient.
void warn_free_text(const policy::Policy& policy) {
  for (const auto& exposure : policy::free_text_exposures(policy)) {
    const bool redacted = exposure.transform == policy::Transform::kRedact;
    std::printf(
        "warning: %s: free text \"%s\" reaches %s %s under purpose %s, level %d; %s\n",
        exposure.rule.c_str(), exposure.field.c_str(), join(exposure.recipients, ", ").c_str(),
        redacted ? "redacted" : "UNREDACTED (kept)", exposure.purpose.c_str(), exposure.level,
        redacted ? "redaction masks identifiers, dates, addresses and the names it recognises, "
                   "not everything personal"
                 : "whatever the sender writes arrives as written");
  }
}

// One line a purpose of the region whose exchanges the person does not see
// at once in their inzage (policy/inzage_rule.hpp), with its ground.
void list_inzage_limits(const policy::Policy& policy) {
  for (const auto& [id, purpose] : policy.enabled_purposes()) {
    const auto& inzage = purpose.inzage;
    if (inzage.mode == policy::InzageMode::kVisible) continue;
    std::string how = inzage.mode == policy::InzageMode::kWithheld ? "withheld" : "deferred";
    if (inzage.mode == policy::InzageMode::kDeferred) {
      if (inzage.defer_days > 0) how += " " + std::to_string(inzage.defer_days) + " days";
      if (!inzage.released_by.empty()) {
        how += std::string(inzage.defer_days > 0 ? " or" : "") + " until released by " +
               inzage.released_by;
      }
    }
    std::printf("inzage: %s: purpose %s %s from the person; ground: %s\n", inzage.rule.c_str(),
                id.c_str(), how.c_str(), inzage.ground.c_str());
  }
}

std::optional<std::string> config_dir(const Args& args, std::size_t positional_dir) {
  if (auto config = args.option("config")) return config;
  if (args.positional().size() > positional_dir) return args.positional()[positional_dir];
  return std::nullopt;
}

int lint(const gateway::Settings& settings) {
  auto loaded = policy::load_policy({settings.guideline, settings.region});
  if (!loaded) return std::fputs(join_lines(loaded.error()).c_str(), stdout), 1;
  const auto& policy = **loaded;
  std::printf("policy sound: region \"%s\", %zu partners, %zu purposes enabled, %s\n",
              policy.region_name().c_str(), policy.partners().size(),
              policy.enabled_purposes().size(), policy.hash().c_str());
  warn_free_text(policy);
  list_inzage_limits(policy);
  return 0;
}

int run_explain(const gateway::Settings& settings, const Args& args) {
  const auto from = args.option("from");
  const auto to = args.option("to");
  const auto purpose = args.option("purpose");
  const auto& words = args.positional();
  if (!from || !to || !purpose || words.size() < 2) {
    return usage_error("policy", "explain needs --from, --to, --purpose and a MESSAGE file",
                       kUsage);
  }
  const auto level_text = args.option("level");
  if (level_text && *level_text != "1" && *level_text != "2" && *level_text != "3") {
    return usage_error("policy", "--level must be 1, 2 or 3", kUsage);
  }
  const std::optional<int> level =
      level_text ? std::optional<int>((*level_text)[0] - '0') : std::nullopt;
  std::ifstream in(words.back());
  if (!in) return usage_error("policy", "cannot read " + words.back(), kUsage);
  std::stringstream message;
  message << in.rdbuf();
  auto policy = policy_of(settings);
  if (!policy) return fail("policy", policy.error());
  const auto explanation =
      explain(**policy, {*from, *to, *purpose, level, message.str(), std::nullopt});
  if (args.flag("json")) {
    std::puts(explanation.dump(2).c_str());
  } else {
    std::fputs(explain_text(explanation).c_str(), stdout);
  }
  return explanation["decision"] == "allowed" ? 0 : 1;
}

}  // namespace

int policy_command(int argc, char** argv) {
  Args args(argc, argv, 2, {"config", "from", "to", "purpose", "level"}, {"help", "json"});
  if (args.flag("help")) return std::fputs(kUsage, stdout), 0;
  if (!args.ok()) return usage_error("policy", args.error(), kUsage);
  const auto& words = args.positional();
  const std::string action = words.empty() ? "" : words[0];
  if (action != "lint" && action != "explain") {
    return usage_error("policy", "expected: policy lint DIR or policy explain DIR ...", kUsage);
  }
  // explain takes MESSAGE as its last word, so DIR is a word only when two follow it.
  const bool dir_is_word = action == "lint" || words.size() >= 3;
  const auto dir = config_dir(args, dir_is_word ? 1 : words.size());
  if (!dir) return usage_error("policy", "which configuration? give DIR or --config DIR", kUsage);
  auto settings = settings_of(*dir);
  if (!settings) return fail("policy", settings.error());
  return action == "lint" ? lint(*settings) : run_explain(*settings, args);
}

}  // namespace schakel::cli
