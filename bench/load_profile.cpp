#include "bench/load_profile.hpp"

namespace schakel::bench {
namespace {

constexpr std::string_view kFiller =
    "Man verward aangetroffen bij het station, buurtbewoners maakten zich zorgen over zijn "
    "veiligheid en die van voorbijgangers. ";

std::string body_for(const std::string& bsn, const std::string& padding) {
  return R"({"subject":{"bsn":")" + bsn +
         R"("},"data":{"incident_date":"2026-11-20","incident_code":"E33",)"
         R"("birth_date":"1987-03-14","postcode":"3511 AB","phone":"06-12345678",)"
         R"("risk_level":"high","mental_health_concern":true,"incident_summary":")" +
         padding + R"("}})";
}

std::string fhir_body_for(const std::string& bsn, const std::string& padding) {
  const std::string codes =
      R"({"coding":[{"system":"https://schakel.nl/fhir/CodeSystem/gegevens","code":")";
  const std::string subject =
      R"(,"subject":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000001"}})";
  auto entry = [](int n, const std::string& resource) {
    return R"({"fullUrl":"urn:uuid:00000000-0000-4000-8000-00000000000)" + std::to_string(n) +
           R"(","resource":)" + resource + "}";
  };
  return R"({"resourceType":"Bundle","type":"collection","entry":[)" +
         entry(
             1,
             R"({"resourceType":"Patient","identifier":[{"system":"http://fhir.nl/fhir/NamingSystem/bsn","value":")" +
                 bsn +
                 R"("}],"name":[{"family":"Jansen","given":["Jan"]}],"telecom":[{"system":"phone","value":"06-12345678"}],)"
                 R"("birthDate":"1987-03-14","address":[{"line":["Stationsplein 1"],"postalCode":"3511 AB"}]})") +
         "," +
         entry(
             2,
             R"({"resourceType":"Encounter","status":"finished","class":{"system":"https://schakel.nl/fhir/CodeSystem/gegevens","code":"incident"},)"
             R"("period":{"start":"2026-11-20"},"reasonCode":[{"text":"E33"}])" +
                 subject) +
         "," +
         entry(3, R"({"resourceType":"Observation","status":"final","code":)" + codes +
                      R"(risk-level"}]},"valueString":"high")" + subject) +
         "," +
         entry(4, R"({"resourceType":"Observation","status":"final","code":)" + codes +
                      R"(mental-health-concern"}]},"valueBoolean":true)" + subject) +
         "," +
         entry(5, R"({"resourceType":"Communication","status":"completed","category":[)" + codes +
                      R"(incident-summary"}]}],"payload":[{"contentString":")" + padding +
                      R"("}])" + subject) +
         "]}";
}

std::string signal_body_for(const std::string& bsn) {
  return R"({"subject":{"bsn":")" + bsn +
         R"("},"purpose":"zvh-case-consultation","contact":"team@politie-eenheid-voorbeeld.example"})";
}

std::string body_in(BodyFormat format, const std::string& bsn, const std::string& padding) {
  switch (format) {
    case BodyFormat::kFhir:
      return fhir_body_for(bsn, padding);
    case BodyFormat::kSignal:
      return signal_body_for(bsn);
    case BodyFormat::kCanonical:
      break;
  }
  return body_for(bsn, padding);
}

}  // namespace

std::string nth_bsn(std::uint64_t n) {
  // Seven digits from n, then the eighth chosen so that the 11-check has a
  // check digit below 10: a bijection from n to valid BSNs.
  std::string digits = std::to_string(1'000'000 + n % 9'000'000);
  int sum = 0;
  for (int i = 0; i < 7; ++i) sum += (9 - i) * (digits[static_cast<std::size_t>(i)] - '0');
  const int eighth = (sum % 11 == 10) ? 1 : 0;
  sum += 2 * eighth;
  digits += static_cast<char>('0' + eighth);
  digits += static_cast<char>('0' + sum % 11);
  return digits;
}

MessageSource::MessageSource(LoadProfile profile, std::uint64_t seed, std::uint64_t fresh_offset)
    : profile_(profile), random_(seed), next_fresh_(fresh_offset) {
  const std::size_t frame = body_in(profile_.format, nth_bsn(0), "").size();
  const std::size_t wanted = profile_.format != BodyFormat::kSignal && profile_.body_bytes > frame
                                 ? profile_.body_bytes - frame
                                 : 0;
  while (padding_.size() < wanted) padding_ += kFiller;
  padding_.resize(wanted);
}

std::string MessageSource::next_body() {
  std::uniform_real_distribution<double> share(0.0, 1.0);
  std::uint64_t person = 0;
  if (profile_.persons > 0 && share(random_) < profile_.recurring_share) {
    person = std::uniform_int_distribution<std::uint64_t>(0, profile_.persons - 1)(random_);
  } else {
    person = next_fresh_++;
  }
  return body_in(profile_.format, nth_bsn(person), padding_);
}

}  // namespace schakel::bench
