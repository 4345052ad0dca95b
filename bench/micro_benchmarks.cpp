// Google Benchmark micro-benchmarks of the pipeline's stages, one binary:
// policy decision, each transform (free-text redaction: a lone text and a
// message with its context; a note, 4 KB, 32 KB), pseudonymisation cold and
// cached, translation, a crossing to a peer region, audit record hashing, SQLite group commit, and
// this disk's own fdatasync rate as the baseline the audit trail is bounded by.
//   build/bench/schakel-micro [--benchmark_filter=REGEX]
// Its keys and databases live in a scratch directory under $TMPDIR, removed at exit.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "audit/log_store.hpp"
#include "bench/load_profile.hpp"
#include "common/calendar.hpp"
#include "crypto/pseudonymiser.hpp"
#include "crypto/transit.hpp"
#include "policy/decision.hpp"
#include "policy/field_values.hpp"
#include "policy/loader.hpp"
#include "policy/redaction.hpp"

namespace schakel::bench {
namespace {

const std::filesystem::path& scratch() {
  static const std::filesystem::path dir = [] {
    auto path =
        std::filesystem::temp_directory_path() / ("schakel-micro-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
    return path;
  }();
  return dir;
}

crypto::KeyStore& keys() {
  static crypto::KeyStore store = [] {
    (void)crypto::KeyStore::init(scratch() / "keys");
    return std::move(*crypto::KeyStore::load(scratch() / "keys"));
  }();
  return store;
}

std::shared_ptr<const policy::Policy> example_policy() {
  static const auto policy = [] {
    const std::filesystem::path config = SCHAKEL_SOURCE_DIR "/config";
    return *policy::load_policy({config / "guideline.json", config / "example-region/region.json"});
  }();
  return policy;
}

void BM_PolicyDecision(benchmark::State& state) {
  const auto policy = example_policy();
  const auto* police = policy->partner_by_oin("00000001002345678000");
  for (auto _ : state) {
    auto decision =
        policy::decide(*policy, *police, "00000003003456789000", "e33-confused-behaviour", 2);
    benchmark::DoNotOptimize(decision);
  }
}
BENCHMARK(BM_PolicyDecision);

void BM_GeneraliseAgeBand(benchmark::State& state) {
  using namespace std::chrono;
  for (auto _ : state) {
    auto band =
        policy::generalise_age_band(*calendar::parse_date("1987-03-14"), year{2026} / 11 / 25);
    benchmark::DoNotOptimize(band);
  }
}
BENCHMARK(BM_GeneraliseAgeBand);

void BM_GeneraliseYear(benchmark::State& state) {
  for (auto _ : state) {
    auto year = policy::generalise_year(*calendar::parse_date("1987-03-14"));
    benchmark::DoNotOptimize(year);
  }
}
BENCHMARK(BM_GeneraliseYear);

void BM_GeneralisePostcode(benchmark::State& state) {
  for (auto _ : state) {
    auto postcode = policy::generalise_postcode("3511 AB");
    benchmark::DoNotOptimize(postcode);
  }
}
BENCHMARK(BM_GeneralisePostcode);

// A professional's note as the redaction meets it: names, dates, an address,
// numbers, and plain words around them.
constexpr std::string_view kNote =
    "Melding 22-11-2026 om 23.40 uur: Sanne El Amrani (geb. 24-02-1981) verward aangetroffen "
    "bij de Adelaarstraat 87. Buurman Kees Scharroo belde 06-12345678; zijn vrouw heeft de GGZ "
    "gebeld. BSN 999 990 019, dossier WIJK-2026-0042. Volgens mevrouw Jansen is er al weken "
    "onrust in de woning, de kinderen Daan en Emma slapen bij oma. ";

std::string note_of_size(std::size_t size) {
  std::string text;
  while (text.size() < size) text += kNote;
  return text;
}

// Redaction of a lone text (identifiers, dates, addresses, names): linear in
// the text, so 4 KB and 32 KB take time in proportion (compare ns per byte).
void BM_RedactText(benchmark::State& state) {
  const std::string text = note_of_size(static_cast<std::size_t>(state.range(0)));
  const auto& redactor = policy::Redactor::standard();
  const auto context = redactor.context_of_text(text);
  for (auto _ : state) {
    auto out = redactor.redact(text, context);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_RedactText)
    ->Arg(static_cast<std::int64_t>(kNote.size()))
    ->Arg(4 * 1024)
    ->Arg(32 * 1024);

// What the transform does per message with free text: the message's context
// (its own values and the names its free text names), then the redaction.
void BM_RedactMessage(benchmark::State& state) {
  const auto policy = example_policy();
  policy::CanonicalMessage message{
      {policy::SubjectId::Kind::kBsn, "999990019"},
      {{"name", "Sanne El Amrani"},
       {"birth_date", "1981-02-24"},
       {"address", "Adelaarstraat 87"},
       {"phone", "0612345678"},
       {"client_number", "WIJK-2026-0042"},
       {"incident_summary", note_of_size(static_cast<std::size_t>(state.range(0)))}}};
  const std::string text = message.data["incident_summary"];
  for (auto _ : state) {
    auto context = policy->redactor().context(message, *policy);
    auto out = policy->redactor().redact(text, *context);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_RedactMessage)
    ->Arg(static_cast<std::int64_t>(kNote.size()))
    ->Arg(4 * 1024)
    ->Arg(32 * 1024);

void BM_FieldPseudonym(benchmark::State& state) {
  crypto::Pseudonymiser pseudonymiser(keys());
  for (auto _ : state) {
    auto out = pseudonymiser.field_pseudonym("WIJK-2026-0042", "veilig-thuis");
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_FieldPseudonym);

// What the pipeline does per subject: pseudonym for the recipient, audit token.
void pseudonymise(const crypto::Pseudonymiser& pseudonymiser, const std::string& bsn) {
  auto subject = pseudonymiser.subject_of_bsn(bsn);
  auto pseudonym = pseudonymiser.pseudonym(subject, "ggz");
  auto token = pseudonymiser.audit_token(subject);
  benchmark::DoNotOptimize(pseudonym);
  benchmark::DoNotOptimize(token);
}

// Cold: every iteration a person never seen, so the cache cannot help.
void BM_SubjectPseudonymCold(benchmark::State& state) {
  crypto::Pseudonymiser pseudonymiser(keys(), {.cache_entries = 0});
  std::uint64_t person = 0;
  for (auto _ : state) pseudonymise(pseudonymiser, nth_bsn(person++));
}
BENCHMARK(BM_SubjectPseudonymCold);

// Cached: 1000 recurring persons, all in the cache after the first round.
void BM_SubjectPseudonymCached(benchmark::State& state) {
  crypto::Pseudonymiser pseudonymiser(keys());
  std::vector<std::string> bsns;
  for (std::uint64_t i = 0; i < 1000; ++i) bsns.push_back(nth_bsn(i));
  std::size_t next = 0;
  for (auto _ : state) pseudonymise(pseudonymiser, bsns[next++ % bsns.size()]);
}
BENCHMARK(BM_SubjectPseudonymCached);

void BM_TranslatePseudonym(benchmark::State& state) {
  crypto::Pseudonymiser pseudonymiser(keys(), {.cache_entries = 0});
  const auto at_police =
      pseudonymiser.pseudonym(pseudonymiser.subject_of_bsn("999990019"), "politie").value();
  for (auto _ : state) {
    auto subject = pseudonymiser.subject_of_pseudonym(at_police, "politie");
    auto out = pseudonymiser.pseudonym(*subject, "ggz");
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_TranslatePseudonym);

// A person crossing to a peer region (issue 20), both gateways' share, caches
// off: A pseudonymises into the pair's transit domain; B takes the transit
// pseudonym and issues its recipient's own.
void BM_TransitCrossing(benchmark::State& state) {
  crypto::KeyStore peer_keys = crypto::KeyStore::ephemeral();
  crypto::Pseudonymiser a(keys(), {.cache_entries = 0});
  crypto::Pseudonymiser b(peer_keys, {.cache_entries = 0});
  const std::string towards_b = crypto::transit_domain(peer_keys.federation_public_key());
  const std::string towards_a = crypto::transit_domain(keys().federation_public_key());
  std::uint64_t person = 0;
  for (auto _ : state) {
    auto crossing = a.pseudonym(a.subject_of_bsn(nth_bsn(person++)), towards_b);
    auto subject = b.subject_of_pseudonym(*crossing, towards_a);
    auto out = b.pseudonym(*subject, "gemeente-oostdorp");
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_TransitCrossing);

audit::AuditRecord sample_record() {
  audit::AuditRecord record;
  record.kind = "decision";
  record.outcome = "allowed";
  record.start_time = record.end_time = "2026-11-25T12:00:00.000Z";
  record.transaction_id = "01a2138f-7a18-7b2c-b2bf-17663f864868";
  record.sender = "00000001002345678000";
  record.recipient = "00000003003456789000";
  record.purpose = "e33-confused-behaviour";
  record.subject_token = "t1.2026-11.lQiKEijMsiMbke0iA5JkLg";
  record.policy_hash = "sha256:594698407a3984cd2cf7654ac4486d7a274738b38d39c10365b8118aa59aee66";
  for (const char* field : {"incident_date", "incident_code", "birth_date", "postcode"}) {
    record.fields.push_back({field, "incident", "keep", "guideline.json#/purposes/x/levels/2"});
  }
  return record;
}

void BM_AuditRecordHash(benchmark::State& state) {
  const auto record = sample_record();
  for (auto _ : state) {
    auto hash = audit::chain_hash(audit::kGenesisHash, record.canonical_body());
    benchmark::DoNotOptimize(hash);
  }
}
BENCHMARK(BM_AuditRecordHash);

// Durable appends in batches of N into the trail log: one write + fdatasync a
// batch, so records/s is the group-commit ceiling.
void BM_TrailLogAppendBatch(benchmark::State& state) {
  const auto directory = scratch() / ("trail-" + std::to_string(state.range(0)));
  auto store = audit::LogStore::open({directory});
  std::vector<audit::AuditRecord> batch(static_cast<std::size_t>(state.range(0)), sample_record());
  for (auto _ : state) {
    if (!(*store)->append_batch(batch)) state.SkipWithError("append failed");
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_TrailLogAppendBatch)->Arg(1)->Arg(16)->Arg(128)->UseRealTime();

// The disk's own rate: one small write plus fdatasync per iteration.
void BM_DiskFdatasync(benchmark::State& state) {
  const auto path = scratch() / "fdatasync.bin";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const std::string block(256, 'x');
  for (auto _ : state) {
    if (::write(fd, block.data(), block.size()) < 0 || ::fdatasync(fd) != 0) {
      state.SkipWithError("write failed");
    }
  }
  ::close(fd);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DiskFdatasync)->UseRealTime();

}  // namespace
}  // namespace schakel::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::error_code ignored;
  std::filesystem::remove_all(schakel::bench::scratch(), ignored);
  return 0;
}
