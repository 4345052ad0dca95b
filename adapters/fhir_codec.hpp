#pragma once
// FHIR R4 JSON (a partner's format "application/fhir+json"), mapped to the
// catalogue by the guideline (policy::FhirMapping) — minimisation drops
// elements, not only keys.
// decode: strict JSON (message_json.hpp), every array at most kMaxItems; a
// Bundle of type collection or message (a message starts with its
// MessageHeader) or one resource of fhir::kAcceptedResources, anything else
// refused (unsupported-resource). The subject is the one Patient's identifier
// of system kBsnSystem or kPseudonymSystem — two Patients, two BSNs or a BSN
// and a pseudonym are two identities, refused — or, without a Patient, the
// identifier every resource's subject names. Every other resource must name
// that Patient as its subject (patient for RelatedPerson), by fullUrl,
// Patient/id or identifier — each of these it gives must name the subject. A modifierExtension
// (on a resource, or on an element a mapped path passes through), an
// implicitRules or a status entered-in-error is refused: a modifier Schakel
// does not understand would change what the rest means; so is a status or
// verificationStatus that takes the resource back (cancelled, not-done,
// refuted, ...) or a status other than the one the codec writes. One resource
// with the codes of two fields is ambiguous, refused. A dateTime mapped to a
// catalogue date gives its day. Each mapped element is read where R4 puts it (an
// element that repeats must be an array, one that does not must not) and must
// hold its primitive type; two values for one field are refused, never picked.
// Whatever the mapping does not name is dropped here: counted, and named by
// its R4 element path ("Patient.name") — a member R4 does not know is named
// "(unknown element)", never by its own name.
// encode: a Bundle of type collection, built from the canonical message alone
// — nothing of a sender's document passes through. The Patient first, with
// the subject's identifier (BSN, or the recipient's pseudonym with system
// kPseudonymSystem); one resource per mapped resource and code that has a
// field, each naming the Patient by its fullUrl (urn:uuid); required elements
// the codec fills (policy::kFhirFixedElements). A value that its FHIR
// primitive cannot carry (an age band in a date, an integer beyond 32 bits)
// goes out as the element's extension kGeneralisedUrl with valueString;
// control characters R4 strings forbid become U+FFFD.
#include "adapters/codec.hpp"
#include "policy/fhir_mapping.hpp"

namespace schakel::adapters {

class FhirCodec final : public Codec {
 public:
  static constexpr std::size_t kMaxDepth = 32;
  static constexpr std::size_t kMaxItems = 1000;
  static constexpr std::string_view kMediaType = "application/fhir+json";
  static constexpr std::string_view kBsnSystem = "http://fhir.nl/fhir/NamingSystem/bsn";
  static constexpr std::string_view kPseudonymSystem =
      "https://schakel.nl/fhir/NamingSystem/pseudoniem";
  static constexpr std::string_view kGeneralisedUrl =
      "https://schakel.nl/fhir/StructureDefinition/gegeneraliseerd";

  // `mapping` belongs to the policy snapshot the caller holds; it must outlive the codec.
  explicit FhirCodec(const policy::FhirMapping& mapping) : mapping_(mapping) {}

  [[nodiscard]] std::string_view media_type() const override { return kMediaType; }
  [[nodiscard]] std::expected<policy::CanonicalMessage, Problem> decode(
      std::string_view body) const override;
  [[nodiscard]] std::expected<std::string, Problem> encode(
      const policy::CanonicalMessage& message) const override;

 private:
  const policy::FhirMapping& mapping_;
};

}  // namespace schakel::adapters
