// schakel keys: init, rotate, shred, export-public. Every key event on a
// configured gateway is appended to its audit trail.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "audit/log_store.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/config_dir.hpp"
#include "common/calendar.hpp"
#include "common/text.hpp"
#include "crypto/encoding.hpp"
#include "crypto/key_store.hpp"
#include "gateway/settings.hpp"
#include "gateway/state.hpp"
#include "region/sqlite_db.hpp"
#include "region/sqlite_escrow_store.hpp"

namespace schakel::cli {
namespace {

constexpr std::string_view kCommand = "keys";

constexpr const char* kUsage = R"(Usage:
  schakel keys init --keys DIR [--if-missing]
      Creates DIR (0700) with a fresh master secret, audit signing key, queue
      key, federation key (transit pseudonyms with peer regions) and
      re-identification key (0600 each). Refuses to overwrite; --if-missing leaves existing keys.
  schakel keys rotate --config DIR --domain DOMAIN
      Starts a new key epoch for one pseudonym domain. New pseudonyms carry
      the new version ("v2.") and a tag bound to the domain; tagged
      pseudonyms of older epochs still translate. Closes the domain's
      untagged window for good: pseudonyms issued before tagging ("v1.<point>"
      without a tag) are refused from then on (422 unknown-pseudonym).
      Takes effect when the gateway restarts or reloads.
  schakel keys shred --config DIR --before YYYY-MM
      Destroys the audit-token keys of every month before YYYY-MM: the audit
      records of those months can no longer be linked to any person, and the
      chain still verifies.
  schakel keys shred --config DIR --reidentification
      Ends re-identification (POST /v1/reidentify) for good: marks the key
      directory (reidentification.ended), destroys reidentification.key and
      forgets the escrow's sealed entries. A running gateway stops at its
      next request; no key is ever made again for this directory.
  schakel keys export-public (--config DIR | --keys DIR) [--out FILE]
      Writes the public half of the audit signing key, for privacy officers
      who verify the trail offline with `schakel audit verify --public-key`.
With --config the keys are those DIR/schakel.json names, and the event is
appended to that gateway's audit trail.
)";

std::expected<void, std::string> record_key_event(const gateway::Settings& settings,
                                                  const std::string& outcome,
                                                  std::map<std::string, std::string> details) {
  auto keys = crypto::KeyStore::load(settings.keys_dir);
  if (!keys) return std::unexpected(keys.error());
  auto store = gateway::open_trail(settings, keys->signing_public_key());
  if (!store) return std::unexpected(store.error());
  auto sequence = gateway::append_signed(
      settings, **store, *keys, audit::event_record("key-event", outcome, std::move(details)));
  if (!sequence) return std::unexpected(sequence.error());
  std::printf("keys: audit record %llu written\n", static_cast<unsigned long long>(*sequence));
  return {};
}

int init(const Args& args) {
  if (!args.option("keys")) return fail(kCommand, "keys init needs --keys DIR");
  const std::filesystem::path dir = *args.option("keys");
  if (args.flag("if-missing") && crypto::KeyStore::load(dir)) {
    std::printf("keys: %s already holds the gateway's keys\n", dir.c_str());
    return 0;
  }
  if (auto ok = crypto::KeyStore::init(dir); !ok) return fail(kCommand, ok.error());
  std::printf("keys: created %s (master.key, audit-signing.key, queue.key, reidentification.key)\n",
              dir.c_str());
  return 0;
}

int rotate(const gateway::Settings& settings, const Args& args) {
  const auto domain = args.option("domain");
  if (!domain) return fail(kCommand, "keys rotate needs --domain DOMAIN");
  auto epoch = crypto::KeyStore::rotate(settings.keys_dir, *domain);
  if (!epoch) return fail(kCommand, epoch.error());
  std::printf("keys: domain %s is now at epoch %u\n", domain->c_str(), *epoch);
  auto recorded = record_key_event(settings, "rotated",
                                   {{"domain", *domain}, {"epoch", std::to_string(*epoch)}});
  return recorded ? 0 : fail(kCommand, "rotated, but the audit record failed: " + recorded.error());
}

// Ends re-identification: the key, then the escrow's entries (useless without it).
int shred_reidentification(const gateway::Settings& settings) {
  auto destroyed = crypto::KeyStore::shred_reidentification(settings.keys_dir);
  if (!destroyed) return fail(kCommand, destroyed.error());
  auto db = gateway::open_region_state(settings, settings.timeouts.audit_busy);
  if (!db) return fail(kCommand, "the key is destroyed, but " + db.error());
  auto forgotten = region::SqliteEscrowStore(*db).forget_all();
  if (!forgotten) return fail(kCommand, "the key is destroyed, but " + forgotten.error());
  std::printf(
      "keys: re-identification has ended for good: %s; %lld escrow entr%s forgotten. A running "
      "gateway refuses re-identification from its next request (410 reidentification-ended).\n",
      *destroyed ? "reidentification.key destroyed" : "its key was destroyed before",
      static_cast<long long>(*forgotten), *forgotten == 1 ? "y" : "ies");
  auto recorded = record_key_event(
      settings, "shredded",
      {{"key", "reidentification"}, {"escrow_entries", std::to_string(*forgotten)}});
  return recorded ? 0
                  : fail(kCommand, "shredded, but the audit record failed: " + recorded.error());
}

int shred(const gateway::Settings& settings, const Args& args) {
  const auto before = args.option("before");
  if (args.flag("reidentification")) {
    if (before) return fail(kCommand, "keys shred takes --before or --reidentification, not both");
    return shred_reidentification(settings);
  }
  if (!before || !calendar::is_month(*before)) {
    return fail(kCommand, "keys shred needs --before YYYY-MM (a month) or --reidentification");
  }
  auto keys = crypto::KeyStore::load(settings.keys_dir);
  if (!keys) return fail(kCommand, keys.error());
  auto shredded = keys->audit_keys().shred_before(*before);
  if (!shredded) return fail(kCommand, shredded.error());
  const std::string months = join(*shredded, ",");
  std::printf("keys: shredded the audit keys of %s\n",
              months.empty() ? "no month" : months.c_str());
  auto recorded = record_key_event(settings, "shredded", {{"before", *before}, {"months", months}});
  return recorded ? 0
                  : fail(kCommand, "shredded, but the audit record failed: " + recorded.error());
}

int export_public(const std::filesystem::path& keys_dir, const Args& args) {
  auto keys = crypto::KeyStore::load(keys_dir);
  if (!keys) return fail(kCommand, keys.error());
  const std::string line = "ed25519:" + crypto::to_hex(keys->signing_public_key()) + "\n";
  if (auto out = args.option("out")) {
    std::ofstream file(*out);
    file << line;
    if (!file) return fail(kCommand, "cannot write " + *out);
    std::printf("keys: public audit signing key written to %s\n", out->c_str());
  } else {
    std::fputs(line.c_str(), stdout);
  }
  return 0;
}

}  // namespace

int keys_command(int argc, char** argv) {
  Args args(argc, argv, 2, {"keys", "config", "domain", "before", "out"},
            {"help", "if-missing", "reidentification"});
  if (args.flag("help")) return std::fputs(kUsage, stdout), 0;
  if (!args.ok() || args.positional().size() != 1) {
    return usage_error(
        kCommand, args.ok() ? "expected one of init, rotate, shred, export-public" : args.error(),
        kUsage);
  }
  const std::string& action = args.positional()[0];
  if (action == "init") return init(args);
  if (action == "export-public" && args.option("keys")) {
    return export_public(*args.option("keys"), args);
  }
  if (!args.option("config")) return fail(kCommand, "keys " + action + " needs --config DIR");
  auto settings =
      gateway::load_settings(std::filesystem::path(*args.option("config")) / "schakel.json");
  if (!settings) return fail(kCommand, join_lines(settings.error()));
  if (action == "rotate") return rotate(*settings, args);
  if (action == "shred") return shred(*settings, args);
  if (action == "export-public") return export_public(settings->keys_dir, args);
  return fail(kCommand,
              "unknown action " + action + "; expected init, rotate, shred or export-public");
}

}  // namespace schakel::cli
