// schakel handovers list: the handovers of a gateway that are not yet
// answered (issue 15) — queued or delivered — per recipient, oldest first,
// with their age and whether they were escalated; never their content (the
// queue holds it sealed). Reads DATA/region.sqlite beside a running gateway
// (a WAL reader: it neither waits for nor blocks the gateway's writes).
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "common/calendar.hpp"
#include "common/text.hpp"
#include "gateway/settings.hpp"
#include "gateway/state.hpp"
#include "region/sqlite_message_queue.hpp"

namespace schakel::cli {
namespace {

constexpr std::string_view kCommand = "handovers";

constexpr const char* kUsage = R"(Usage:
  schakel handovers list --config DIR [--json]
      The handovers not yet answered (queued, or delivered and waiting for the
      recipient's accept or decline), oldest first: transaction id, purpose,
      sender, recipient, status, hours since queued, accept-by time, whether
      escalated to the purpose's case director. --json: one JSON array.
)";

std::string when(std::int64_t unix_seconds) {
  return unix_seconds > 0 ? calendar::format_instant(unix_seconds) : std::string("-");
}

int list(const gateway::Settings& settings, bool as_json) {
  auto db = gateway::open_region_state(settings, std::chrono::seconds(5), true);
  if (!db) return fail(kCommand, db.error());
  if (!*db) {
    return fail(kCommand, (settings.data_dir / "region.sqlite").string() +
                              " does not exist: the gateway has not run here yet");
  }
  region::SqliteMessageQueue queue(*db);
  auto open = queue.open_handovers();
  if (!open) return fail(kCommand, open.error());
  const std::int64_t now = calendar::unix_now();
  nlohmann::json out = nlohmann::json::array();
  for (const auto& m : *open) {
    out.push_back({{"transaction_id", m.transaction_id},
                   {"purpose", m.purpose},
                   {"sender", m.sender_oin},
                   {"recipient", m.recipient_oin},
                   {"status", m.status},
                   {"hours_open", (now - m.queued_unix) / 3600},
                   {"queued", when(m.queued_unix)},
                   {"accept_by", when(m.accept_by_unix)},
                   {"escalated", m.escalated}});
  }
  if (as_json) {
    std::puts(out.dump(2).c_str());
    return 0;
  }
  std::printf("%zu open handover(s)\n", out.size());
  for (const auto& row : out) {
    std::printf("%s  %-28s %s -> %s  %-9s %5lld h  accept by %s%s\n",
                row["transaction_id"].get<std::string>().c_str(),
                row["purpose"].get<std::string>().c_str(), row["sender"].get<std::string>().c_str(),
                row["recipient"].get<std::string>().c_str(),
                row["status"].get<std::string>().c_str(),
                static_cast<long long>(row["hours_open"].get<std::int64_t>()),
                row["accept_by"].get<std::string>().c_str(),
                row["escalated"].get<bool>() ? "  (escalated)" : "");
  }
  return 0;
}

}  // namespace

int handovers_command(int argc, char** argv) {
  Args args(argc, argv, 2, {"config"}, {"help", "json"});
  if (args.flag("help")) return std::fputs(kUsage, stdout), 0;
  if (!args.ok() || args.positional().size() != 1 || args.positional()[0] != "list") {
    return usage_error(kCommand, args.ok() ? "expected: list" : args.error(), kUsage);
  }
  if (!args.option("config")) return fail(kCommand, "handovers list needs --config DIR");
  auto settings =
      gateway::load_settings(std::filesystem::path(*args.option("config")) / "schakel.json");
  if (!settings) return fail(kCommand, join_lines(settings.error()));
  return list(*settings, args.flag("json"));
}

}  // namespace schakel::cli
