// schakel audit: verify, query, export (subject access report), prune.
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>

#include "audit/log_store.hpp"
#include "audit/query.hpp"
#include "audit/verify.hpp"
#include "audit/witness.hpp"
#include "cli/args.hpp"
#include "cli/audit_report.hpp"
#include "cli/backup.hpp"
#include "cli/commands.hpp"
#include "cli/config_dir.hpp"
#include "common/calendar.hpp"
#include "common/log.hpp"
#include "common/text.hpp"
#include "crypto/pseudonymiser.hpp"
#include "gateway/state.hpp"
#include "inzage/report.hpp"
#include "policy/bsn.hpp"

namespace schakel::cli {
namespace {

constexpr std::string_view kCommand = "audit";

constexpr const char* kUsage = R"(Usage:
  schakel audit verify (--trail DIR | --config DIR) [--public-key FILE]
                       [--witness FILE]
      Checks the trail (--config: the store the settings name, the segment
      files in DATA/trail or PostgreSQL; --trail: a segment directory): sequence
      numbers without gaps, each record linked to the previous one, each
      hash matching its record. With the
      public key from `schakel keys export-public` also every signed
      checkpoint: a truncated tail or deleted start is found. Without it the
      signatures are NOT checked, and it says so. --witness (needs
      --public-key): the checkpoints the gateway appended to its witness file
      (settings: audit.witness) count too, so a tail deleted together with
      its checkpoints is found. Names the first bad sequence number. Exit 0
      only when intact.
  schakel audit query --config DIR [--bsn BSN] [--partner OIN] [--purpose ID]
                      [--outcome allowed|refused|delivered|failed]
                      [--from TIME] [--to TIME] [--json]
      Records matching every filter given. A BSN is turned into the person's
      audit tokens (one per month whose key still exists) and never stored.
  schakel audit export --config DIR --subject BSN [--html FILE] [--officer]
      The person's inzage, as the citizen portal gets it (inzage/report.hpp):
      every exchange about them — when (Dutch time), from which partner to
      which, the purpose in Dutch and its legal bases, which categories and
      how each field was shared — the region's work about them (signals,
      matches, cases, handovers), re-identifications, earlier inzage requests,
      refused requests counted; without what the purposes' inzage rules keep
      back now. --officer: everything, each item with how the person sees it
      and the ground. JSON on stdout; --html also writes a readable page.
  schakel audit prune --config DIR [--now YYYY-MM-DD]
      Removes the oldest records past their purpose's retention — whole
      segments of the trail, so some may stay until a later prune — signs a
      checkpoint at the cut so the rest still verifies, shreds the audit keys
      of months before the oldest record kept, and records the prune. Safe
      while the gateway runs.
  schakel audit backup --config DIR --to FILE
      A consistent copy of the trail and the region's state while the gateway
      runs, in one new file (an SQLite archive: `sqlite3 FILE -Atv` lists it).
      Keys are not in it: back up the key directory apart (docs/operations.md).
  schakel audit restore --config DIR --from FILE [--public-key FILE]
      Into a data directory without trail or region state: only a backup
      whose trail verifies with the checkpoint key (--public-key, or the key
      directory's) and whose region state passes SQLite's integrity check.
)";

int verify(const Args& args) {
  std::unique_ptr<audit::TrailSource> trail;
  if (auto option = args.option("trail")) {
    trail = std::make_unique<audit::LogTrail>(*option);
  } else {
    auto settings = settings_of(*args.option("config"));
    if (!settings) return fail(kCommand, settings.error());
    auto source = gateway::open_trail_source(*settings);
    if (!source) return fail(kCommand, source.error());
    trail = std::move(*source);
  }
  std::optional<crypto::PublicKey> key;
  if (auto file = args.option("public-key")) {
    auto read = audit::read_public_key(*file);
    if (!read) return fail(kCommand, read.error());
    key = *read;
  }
  std::vector<audit::Checkpoint> witnessed;
  if (auto file = args.option("witness")) {
    if (!key)
      return fail(kCommand, "--witness needs --public-key: an unchecked signature proves nothing");
    auto read = audit::read_witness(*file);
    if (!read) return fail(kCommand, read.error());
    witnessed = std::move(*read);
  }
  if (!key) {
    std::fprintf(stderr,
                 "schakel audit: WARNING: signatures NOT checked: without --public-key a trail "
                 "whose tail was cut, or whose checkpoints were forged, can still look intact\n");
  }
  const auto progress = [](std::uint64_t records) {
    std::fprintf(stderr, "audit: %llu records verified...\n",
                 static_cast<unsigned long long>(records));
  };
  auto report = audit::verify_trail(*trail, {key, witnessed, progress, 100'000, {}});
  if (!report) return fail(kCommand, report.error());
  if (!report->intact()) {
    std::printf("audit trail BROKEN at sequence %llu: %s (%llu records before it)\n",
                static_cast<unsigned long long>(report->first_bad_sequence),
                report->problem.c_str(), static_cast<unsigned long long>(report->records));
    return 1;
  }
  std::printf("audit trail intact: %llu records, head %s, %llu checkpoints (%s)",
              static_cast<unsigned long long>(report->records), report->head_hash.c_str(),
              static_cast<unsigned long long>(report->checkpoints),
              report->signatures_checked ? "signatures valid" : "signatures NOT checked");
  if (report->witnessed > 0) {
    std::printf(", %llu witnessed checkpoints through sequence %llu",
                static_cast<unsigned long long>(report->witnessed),
                static_cast<unsigned long long>(report->last_witnessed_sequence));
  }
  std::printf("\n");
  if (report->torn_bytes > 0) {
    std::fprintf(
        stderr,
        "schakel audit: %llu bytes after the last whole record were not verified (a "
        "batch being written, or a write torn by a crash that the gateway cuts at start)\n",
        static_cast<unsigned long long>(report->torn_bytes));
  }
  return 0;
}

// Every audit token of this person that can still be computed.
std::expected<std::vector<std::string>, std::string> tokens_of(const gateway::Settings& settings,
                                                               const std::string& bsn) {
  if (!policy::is_valid_bsn(bsn)) return std::unexpected("not a valid BSN (9 digits, 11-check)");
  auto keys = crypto::KeyStore::load(settings.keys_dir);
  if (!keys) return std::unexpected(keys.error());
  const crypto::Pseudonymiser pseudonymiser(*keys, {.cache_entries = 0});
  return pseudonymiser.audit_tokens(pseudonymiser.subject_of_bsn(bsn));
}

int query(const gateway::Settings& settings, const Args& args) {
  audit::QueryFilter filter;
  if (auto bsn = args.option("bsn")) {
    auto tokens = tokens_of(settings, *bsn);
    if (!tokens) return fail(kCommand, tokens.error());
    filter.subject_tokens = std::move(*tokens);
  }
  filter.partner = args.option("partner");
  filter.purpose = args.option("purpose");
  filter.outcome = args.option("outcome");
  filter.from = args.option("from");
  filter.to = args.option("to");
  auto trail = gateway::open_trail_source(settings);
  if (!trail) return fail(kCommand, trail.error());
  auto records = audit::query_records(**trail, filter);
  if (!records) return fail(kCommand, records.error());
  if (args.flag("json")) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& record : *records) out.push_back(record.body);
    std::puts(out.dump(2).c_str());
    return 0;
  }
  std::fputs(records_table(*records).c_str(), stdout);
  return 0;
}

int export_report(const gateway::Settings& settings, const Args& args) {
  const auto bsn = args.option("subject");
  if (!bsn) return fail(kCommand, "audit export needs --subject BSN");
  auto tokens = tokens_of(settings, *bsn);
  if (!tokens) return fail(kCommand, tokens.error());
  auto policy = policy_of(settings);
  if (!policy) return fail(kCommand, policy.error());
  audit::QueryFilter filter;
  filter.subject_tokens = std::move(*tokens);
  auto trail = gateway::open_trail_source(settings);
  if (!trail) return fail(kCommand, trail.error());
  auto records = audit::query_records(**trail, filter);
  if (!records) return fail(kCommand, records.error());
  const auto audience =
      args.flag("officer") ? inzage::Audience::kOfficer : inzage::Audience::kPerson;
  auto report = inzage::build_report(
      {**policy, *records, static_cast<std::int64_t>(std::time(nullptr)), {}, audience});
  if (!report) return fail(kCommand, "the report cannot be made: " + report.error());
  std::puts(report->json.dump(2).c_str());
  if (auto html = args.option("html")) {
    std::ofstream out(*html);
    out << inzage::report_html(report->json);
    if (!out) return fail(kCommand, "cannot write " + *html);
    std::fprintf(stderr, "audit: report written to %s\n", html->c_str());
  }
  return 0;
}

int prune(const gateway::Settings& settings, const Args& args) {
  auto policy = policy_of(settings);
  if (!policy) return fail(kCommand, policy.error());
  int longest = 0;
  for (const auto& [id, purpose] : (*policy)->enabled_purposes()) {
    longest = std::max(longest, purpose.retention_days);
  }
  const auto retention = [&](const std::string& id) {
    const auto* purpose = (*policy)->guideline_purpose(id);
    return purpose ? purpose->retention_days : longest;
  };
  const auto today = args.option("now") ? calendar::parse_date(*args.option("now"))
                                        : std::optional(calendar::today_utc());
  if (!today) return fail(kCommand, "--now must be a date as YYYY-MM-DD");
  const std::string now = calendar::format_date(*today);
  auto trail = gateway::open_trail_source(settings);
  if (!trail) return fail(kCommand, trail.error());
  auto plan = audit::plan_prune(**trail, now, retention);
  if (!plan) return fail(kCommand, plan.error());
  auto keys = crypto::KeyStore::load(settings.keys_dir);
  if (!keys) return fail(kCommand, keys.error());
  auto store = gateway::open_trail(settings, keys->signing_public_key());
  if (!store) return fail(kCommand, store.error());
  const auto signer = audit::ed25519_signer(keys->signing_key().bytes().data());
  audit::PruneResult pruned;
  if (plan->cut > 0) {
    auto cut = (*store)->prune_through(plan->cut, signer);
    if (!cut) return fail(kCommand, cut.error());
    pruned = *cut;
  }
  if (pruned.checkpoint.sequence > 0 && !settings.audit.witness.empty()) {
    auto witness =
        audit::WitnessFile::open(settings.audit.witness);  // witnessed like any checkpoint
    auto published =
        witness ? (*witness)->publish(pruned.checkpoint) : std::unexpected(witness.error());
    if (!published) std::fprintf(stderr, "schakel audit: warning: %s\n", published.error().c_str());
  }
  std::map<std::string, std::string> details{{"now", now},
                                             {"records", std::to_string(pruned.records)}};
  if (pruned.checkpoint.sequence > 0) details["cut"] = std::to_string(pruned.checkpoint.sequence);
  trail = gateway::open_trail_source(settings);  // a new snapshot: after the prune
  if (!trail) return fail(kCommand, trail.error());
  auto oldest = audit::oldest_record_time(**trail);
  if (!oldest) return fail(kCommand, oldest.error());
  // Keys of months before the oldest record kept — never this month's, which
  // a running gateway is using (whatever --now says).
  auto keep_from = *oldest ? calendar::date_of_timestamp(**oldest) : calendar::today_utc();
  if (!keep_from) return fail(kCommand, "the oldest record kept has no readable start_time");
  keep_from = std::min(*keep_from, calendar::today_utc());
  auto shredded = keys->audit_keys().shred_before(calendar::format_month(*keep_from));
  if (!shredded) return fail(kCommand, shredded.error());
  const std::string months = join(*shredded, ",");
  details["shredded_months"] = months;
  if (auto ok = gateway::append_signed(settings, **store, *keys,
                                       audit::event_record("prune", "pruned", details));
      !ok) {
    return fail(kCommand, ok.error());
  }
  std::printf("audit: pruned %llu records (through sequence %llu); audit keys shredded: %s\n",
              static_cast<unsigned long long>(pruned.records),
              static_cast<unsigned long long>(pruned.checkpoint.sequence),
              months.empty() ? "none" : months.c_str());
  if (pruned.records < plan->records) {
    std::printf(
        "audit: %llu more expired records share a segment with kept ones; a later "
        "prune removes them\n",
        static_cast<unsigned long long>(plan->records - pruned.records));
  }
  return 0;
}

int backup(const gateway::Settings& settings, const Args& args) {
  const auto to = args.option("to");
  if (!to) return fail(kCommand, "audit backup needs --to FILE");
  auto written = write_backup(settings, *to);
  if (!written) return fail(kCommand, "backup failed: " + written.error());
  std::printf("audit: backed up %llu trail segments (%llu bytes)%s to %s\n",
              static_cast<unsigned long long>(written->segments),
              static_cast<unsigned long long>(written->trail_bytes),
              written->region_state ? " and the region's state" : "", to->c_str());
  return 0;
}

int restore(const gateway::Settings& settings, const Args& args) {
  const auto from = args.option("from");
  if (!from) return fail(kCommand, "audit restore needs --from FILE");
  crypto::PublicKey key{};
  if (auto file = args.option("public-key")) {
    auto read = audit::read_public_key(*file);
    if (!read) return fail(kCommand, read.error());
    key = *read;
  } else {
    auto keys = crypto::KeyStore::load(settings.keys_dir);
    if (!keys) {
      return fail(kCommand,
                  "a backup is verified with the checkpoint key: give --public-key FILE "
                  "or restore the key directory first (" +
                      keys.error() + ")");
    }
    key = keys->signing_public_key();
  }
  auto restored = restore_backup(settings, *from, key);
  if (!restored) return fail(kCommand, "restore refused: " + restored.error(), kExitCheckFailed);
  std::printf("audit: restored %llu records (signed through %llu)%s; verified\n",
              static_cast<unsigned long long>(restored->records),
              static_cast<unsigned long long>(restored->last_checkpoint),
              restored->region_state ? " and the region's state" : "");
  if (restored->last_checkpoint < restored->records) {
    std::printf("audit: the records after %llu were not yet signed when the backup was taken\n",
                static_cast<unsigned long long>(restored->last_checkpoint));
  }
  return 0;
}

}  // namespace

int audit_command(int argc, char** argv) {
  Args args(argc, argv, 2,
            {"trail", "config", "public-key", "witness", "bsn", "partner", "purpose", "outcome",
             "from", "to", "subject", "html", "now"},
            {"help", "json", "officer"});
  if (args.flag("help")) return std::fputs(kUsage, stdout), 0;
  if (!args.ok() || args.positional().size() != 1) {
    return usage_error(
        kCommand,
        args.ok() ? "expected one of verify, query, export, prune, backup, restore" : args.error(),
        kUsage);
  }
  const std::string& action = args.positional()[0];
  if (action == "verify") {
    if (!args.option("trail") && !args.option("config")) {
      return fail(kCommand, "audit verify needs --trail DIR or --config DIR");
    }
    return verify(args);
  }
  if (!args.option("config")) return fail(kCommand, "audit " + action + " needs --config DIR");
  auto settings = settings_of(*args.option("config"));
  if (!settings) return fail(kCommand, settings.error());
  if (action == "query") return query(*settings, args);
  if (action == "export") return export_report(*settings, args);
  if (action == "prune") return prune(*settings, args);
  if (action == "backup") return backup(*settings, args);
  if (action == "restore") return restore(*settings, args);
  return fail(kCommand, "unknown action " + action +
                            "; expected verify, query, export, prune, backup or restore");
}

}  // namespace schakel::cli
