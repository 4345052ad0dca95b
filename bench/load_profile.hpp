#pragma once
// What the load generator sends: a partner message of a chosen size about a
// subject drawn from a pool of recurring persons or, with the remaining
// probability, a person never seen before. Every BSN passes the 11-check;
// none appears in the free text, so the body keeps its size after redaction.
// The same message in canonical JSON or as a FHIR R4 Bundle (the example
// guideline's mapping: Patient with name and telecom the codec drops,
// Encounter, Observations, Communication with the free text). Or, as
// kSignal, the police's signal registration under zvh-case-consultation
// (POST /v1/signals, the example region's contact point; no padding): a
// recurring person renews the police's signal, a new one adds a signal.
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace schakel::bench {

enum class BodyFormat { kCanonical, kFhir, kSignal };

struct LoadProfile {
  std::size_t body_bytes = 1024;
  BodyFormat format = BodyFormat::kCanonical;
  std::size_t persons = 1000;    // size of the recurring pool
  double recurring_share = 0.8;  // probability that a request names a pool person
};

// The n-th valid BSN in a fixed sequence (n < 90'000'000).
[[nodiscard]] std::string nth_bsn(std::uint64_t n);

class MessageSource {
 public:
  MessageSource(LoadProfile profile, std::uint64_t seed, std::uint64_t fresh_offset);

  [[nodiscard]] std::string next_body();

 private:
  LoadProfile profile_;
  std::mt19937_64 random_;
  std::uint64_t next_fresh_;
  std::string padding_;
};

}  // namespace schakel::bench
