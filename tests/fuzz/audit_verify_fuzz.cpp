// Fuzz target: the trail log read back by audit/verify.hpp verify_trail and
// audit/query.hpp query_records / plan_prune, on a copy of a small trail (4
// records in one segment, then a signed checkpoint of the head, also kept by
// a witness) changed by the input.
// Input: byte 0 the mode, then
//   mode even: bytes 1-2 an offset (LE, modulo the segment's size), then the
//              bytes written over the segment from there (it may grow);
//   mode odd:  a tamperer who knows the format: record 4's body is replaced
//              by bytes 1.. ("@prev@" in it becomes record 3's hash), its
//              chain hash recomputed and the frame re-framed with a valid
//              checksum; the checkpoint frame stays.
// Never throws or crashes. Whatever the change: a trail that verifies shows
// only pristine records, in order (a torn tail may hide the last ones — but
// then not with the key and the witness, which also see all four); a query
// answers exactly when verify says intact; a changed record never verifies.
#include <sodium.h>

#include <array>
#include <fstream>
#include <iterator>
#include <vector>

#include "audit/checkpoint.hpp"
#include "audit/log_store.hpp"
#include "audit/query.hpp"
#include "audit/record.hpp"
#include "audit/trail_frame.hpp"
#include "audit/verify.hpp"
#include "crypto/encoding.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace schakel::audit;  // NOLINT(google-build-using-namespace)
using schakel::fuzz::require;
using schakel::fuzz::violated;

constexpr std::size_t kRecords = 4;
constexpr const char* kToken = "t1.2026-11.lQiKEijMsiMbke0iA5JkLg";

struct Trail {
  schakel::fuzz::ScratchDir scratch;
  std::filesystem::path work = scratch.path() / "trail";
  std::filesystem::path segment;
  std::string pristine;               // the segment's bytes
  std::vector<std::string> bodies;    // the records' canonical bodies, in order
  std::vector<Checkpoint> witnessed;  // the head's checkpoint, as a witness keeps it
  schakel::crypto::PublicKey public_key{};

  Trail() {
    std::array<std::uint8_t, 64> secret_key{};
    crypto_sign_keypair(public_key.data(), secret_key.data());
    {
      auto store = LogStore::open({.directory = work});
      if (!store) violated("cannot create the trail");
      std::vector<AuditRecord> records(kRecords);
      for (std::size_t i = 0; i < records.size(); ++i) {
        auto& record = records[i];
        record.kind = i % 2 ? "delivery" : "decision";
        record.outcome = i % 2 ? "delivered" : "allowed";
        record.start_time = "2026-11-0" + std::to_string(i + 1) + "T10:00:00.000Z";
        record.transaction_id = "0190c5a4-0000-7000-8000-00000000000" + std::to_string(i);
        record.sender = "00000001001234567000";
        record.recipient = "00000001002345678000";
        record.purpose = "e33-confused-behaviour";
        record.subject_token = kToken;
      }
      if (!(*store)->append_batch(records)) violated("cannot append the audit records");
      for (const auto& record : records) bodies.push_back(record.canonical_body());
      auto checkpoint = (*store)->write_checkpoint(ed25519_signer(secret_key.data()));
      if (!checkpoint) violated("cannot write the checkpoint");
      witnessed.push_back(*checkpoint);
    }
    auto segments = trail_segments(work);
    require(segments && segments->size() == 1, "the trail is not one segment");
    segment = segments->front();
    std::ifstream in(segment, std::ios::binary);
    pristine.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    const auto report = verify_chain(work, public_key, {}, 100'000, witnessed);
    require(report && report->intact() && report->records == kRecords,
            "the pristine trail does not verify");
  }

  void write(const std::string& bytes) const {
    std::ofstream out(segment, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
};

// Overwrites the segment's bytes from an offset the input names.
std::string overwritten(const std::string& pristine, const std::uint8_t* data, std::size_t size) {
  std::string bytes = pristine;
  if (size < 3) return bytes;
  const std::size_t offset = (data[1] | (std::size_t{data[2]} << 8)) % bytes.size();
  const auto value = schakel::fuzz::text_of(data + 3, size - 3);
  if (bytes.size() < offset + value.size()) bytes.resize(offset + value.size());
  bytes.replace(offset, value.size(), value);
  return bytes;
}

// A tamperer's rewrite of record 4, re-framed so that its checksum holds.
std::string rewritten(const std::string& pristine, std::string_view input) {
  std::string bytes;
  std::string previous;
  std::string_view rest(pristine);
  while (auto frame = read_frame(rest)) {
    std::string payload(frame->payload);
    ChainHash hash = frame->hash;
    if (frame->type == FrameType::kRecord && frame->sequence == kRecords) {
      payload = std::string(input);
      for (auto at = payload.find("@prev@"); at != std::string::npos;
           at = payload.find("@prev@", at)) {
        payload.replace(at, 6, previous);
        at += previous.size();
      }
      const auto bytes_of = schakel::crypto::from_hex(chain_hash(previous, payload));
      std::copy(bytes_of->begin(), bytes_of->end(), hash.begin());
    }
    if (frame->type == FrameType::kRecord) previous = schakel::crypto::to_hex(frame->hash);
    append_frame(bytes, frame->type, frame->sequence, hash, payload);
    rest.remove_prefix(frame->size);
  }
  return bytes;
}

// Verifies, collecting the bodies verify let through.
struct Seen {
  std::expected<VerifyReport, std::string> report;
  std::vector<std::string> bodies;
};
Seen verify_seeing(const Trail& trail, bool keyed) {
  Seen seen{VerifyReport{}, {}};
  VerifyOptions options;
  if (keyed) {
    options.key = trail.public_key;
    options.witnessed = trail.witnessed;
  }
  options.visit = [&](std::uint64_t, const nlohmann::json& body) {
    seen.bodies.push_back(body.dump());
  };
  seen.report = verify_trail(trail.work, options);
  return seen;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Trail trail;
  if (size < 1) return -1;  // not a useful input: keep it out of the corpus
  const bool rewrite = (data[0] & 1) != 0;
  const std::string bytes =
      rewrite ? rewritten(trail.pristine, schakel::fuzz::text_of(data + 1, size - 1))
              : overwritten(trail.pristine, data, size);
  trail.write(bytes);

  const auto plain = verify_seeing(trail, false);
  const auto keyed = verify_seeing(trail, true);
  QueryFilter by_subject;
  by_subject.subject_tokens = std::vector<std::string>{kToken};
  const auto queried = query_records(trail.work, by_subject);
  const auto pruned =
      plan_prune(LogTrail(trail.work), "2027-01-01", [](const std::string&) { return 30; });

  require(plain.report.has_value() && keyed.report.has_value(), "verify could not read the trail");
  for (const auto* seen : {&plain, &keyed}) {
    if (!seen->report->intact()) continue;
    require(seen->bodies.size() <= kRecords, "more records verified than were written");
    for (std::size_t i = 0; i < seen->bodies.size(); ++i) {
      const auto pristine = nlohmann::json::parse(trail.bodies[i]).dump();
      require(seen->bodies[i] == pristine, "a changed record verified");
    }
  }
  if (keyed.report->intact()) {
    require(keyed.bodies.size() == kRecords, "records lost unseen with the key and the witness");
  }
  require(queried.has_value() == plain.report->intact(), "a query disagrees with verify");
  require(pruned.has_value() == plain.report->intact(), "a prune plan disagrees with verify");
  if (bytes == trail.pristine) {
    require(keyed.report->intact() && queried->size() == kRecords, "the pristine trail broke");
  }
  return 0;
}
