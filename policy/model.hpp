#pragma once
// The compiled sharing policy: the national guideline narrowed by one region.
// Built once by the loader, immutable afterwards and shared as
// shared_ptr<const Policy>; lookups are maps, so deciding a message never walks
// JSON. Every rule remembers where it came from ("guideline.json#/purposes/..."),
// which is what refusals and the audit trail cite.
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "policy/fhir_mapping.hpp"
#include "policy/inzage_rule.hpp"

namespace schakel::policy {

class Redactor;

enum class FieldType {
  kString,
  kText,
  kDate,
  kPostcode,
  kPhone,
  kEmail,
  kNumber,
  kBoolean,
  kEnum,
  kObject,
  kArray
};

// Weakest to strongest: keep < generalise (year, age band, postcode4) < redact < pseudonymise <
// drop.
enum class Transform { kKeep, kYear, kAgeBand, kPostcode4, kRedact, kPseudonymise, kDrop };

// How the subject identifier travels: as a pseudonym in the recipient's domain,
// or as the BSN where the purpose's legal basis requires it.
enum class SubjectAction { kPseudonymise, kBsn };

[[nodiscard]] int strength(Transform transform);
[[nodiscard]] std::string_view to_string(Transform transform);
[[nodiscard]] std::optional<Transform> parse_transform(std::string_view text);
[[nodiscard]] std::string_view to_string(FieldType type);
[[nodiscard]] std::optional<FieldType> parse_field_type(std::string_view text);
[[nodiscard]] bool applies_to(Transform transform, FieldType type);

// Asynchronous delivery (issue 15): how long a queued message waits at
// most, and how long a delivered handover may wait for its answer, unless
// the purpose says otherwise (at most kMaxQueueHours).
inline constexpr int kDefaultQueueHours = 72;
inline constexpr int kDefaultAcceptWithinHours = 48;
inline constexpr int kMaxQueueHours = 24 * 30;

struct Category {
  std::string id;
  std::string title;
  std::string gdpr_article;  // "9" special category, "10" criminal data, empty otherwise
  std::string title_nl{};    // as the person reads it (inzage, issue 19)
};

// A field of the catalogue. Objects and arrays of objects may declare their
// own fields; those are catalogued under dotted paths ("incidents.date") and
// a level names them one by one, never the container as a whole.
struct FieldSpec {
  std::string name;  // dotted path from /data
  std::string category;
  FieldType type = FieldType::kString;
  std::set<std::string, std::less<>> values;  // for kEnum
  bool has_children = false;
  std::string title_nl{};  // "geboortedatum": how the person's inzage names it
};

struct FieldRule {
  Transform transform = Transform::kDrop;
  std::string rule;  // where this transform was set
};

struct LevelPlan {
  int level = 1;
  SubjectAction subject = SubjectAction::kPseudonymise;
  std::string subject_rule;
  std::map<std::string, FieldRule, std::less<>> fields;
  std::string rule;  // the level's own location, cited when a field is dropped by default
};

struct Purpose {
  std::string id;
  std::string title;
  std::string title_nl{};  // as the person reads it (inzage); `title` is the console's English
  std::string processing_activity_id;
  std::vector<std::string> legal_bases;
  std::vector<std::string> themes;
  std::set<std::string, std::less<>> senders;     // roles
  std::set<std::string, std::less<>> recipients;  // roles
  std::set<std::string, std::less<>> partners;    // partner ids; empty: every partner of the region
  std::map<int, LevelPlan> levels;
  int retention_days = 0;
  // Signals ("who else is involved", region/): the role pairs that learn of
  // each other's signals about one person, each pair in both orders; empty:
  // no matching under this purpose. A signal is active `signal_days` at most
  // (kMaxSignalDays) and kept as history until kSignalHistoryDays.
  // A region may narrow all three (fewer pairs, fewer days, fewer directors);
  // the *_rule members cite where the value in force was set.
  std::set<std::pair<std::string, std::string>, std::less<>> matching;
  int signal_days = 0;
  // Roles that may open and direct case consultations under this purpose (the ZVH).
  std::set<std::string, std::less<>> case_directors;
  std::string matching_rule;
  std::string signal_days_rule;
  std::string case_directors_rule;
  // Roles that may turn a pseudonym of their own domain back into the BSN
  // under this purpose (POST /v1/reidentify, issue 15); empty: nobody — the
  // default. A region may narrow it; the rule cites where it was set (the
  // purpose itself when the guideline leaves it out).
  std::set<std::string, std::less<>> reidentifiers;
  std::string reidentifiers_rule;
  // Asynchronous delivery (Prefer: respond-async, issue 15): a queued
  // message expires `queue_hours` after it was queued (delivered or not). A
  // handover (`handover`) is complete only when the recipient accepts or
  // declines; one not answered `accept_within_hours` after its delivery is
  // escalated to the purpose's case directors.
  int queue_hours = kDefaultQueueHours;
  bool handover = false;
  int accept_within_hours = kDefaultAcceptWithinHours;
  // Whether and when the person sees these exchanges (inzage_rule.hpp).
  InzageRule inzage;
  std::string rule;         // guideline location
  std::string region_rule;  // region location that enables it
};

struct Endpoint {
  std::string host;
  std::string port;
  std::string target;
};

// "https://host:port/path" as a region file names an endpoint; nullopt otherwise.
[[nodiscard]] std::optional<Endpoint> parse_endpoint(const std::string& url);
// A 20-digit Organisatie-identificatienummer.
[[nodiscard]] bool is_oin(std::string_view text);

struct Partner {
  std::string id;
  std::string name;
  std::string oin;
  std::string role;
  std::string endpoint_url;
  Endpoint endpoint;
  // OIN the endpoint's TLS certificate must carry (Subject serialNumber): the
  // partner's own, or the one the region names ("endpoint_oin") for an
  // endpoint a service provider hosts. Checked besides the host name.
  std::string endpoint_oin;
  std::string format;
  std::string pseudonym_domain;
  // The functional addresses (a team's, never a person's) the partner may give
  // as the contact point of a signal or case: the region names them.
  std::vector<std::string> contact_points;
  std::string rule;
  // The peer region (PeerRegion::id) whose signed directory lists this
  // partner; empty for a partner of this region. A partner of a peer region
  // is reached through its region's gateway (endpoint, endpoint_oin) in the
  // pair's transit pseudonym domain, in the canonical JSON format.
  std::string peer{};
};

// Where a peer region's gateway takes messages for its partners, below its
// base URL (the region file's peers[].endpoint).
inline constexpr std::string_view kFederationMessagesPath = "/v1/federation/messages";

// Which way a purpose may cross the border with one peer region (issue 20).
enum class Crossing { kOut, kIn, kBoth };

struct PeerPurpose {
  Crossing crossing = Crossing::kBoth;
  std::string rule;
};

// A region this region's gateway exchanges with (region file "peers"): the
// peer's gateway, the purposes that may cross and which way, and what its
// signed partner directory says (policy/peer_directory.hpp) — its region's
// name, its federation key (named by the transit domain) and its partners.
struct PeerRegion {
  std::string id;
  std::string region;        // the peer's own name for itself (its directory)
  std::string endpoint_url;  // its gateway's base URL, "https://host:port"
  Endpoint endpoint;         // target: "/"; the federation paths follow from it
  std::string gateway_oin;   // the OIN of the peer gateway's client certificate
  std::string endpoint_oin;  // the OIN its endpoint's certificate carries
  std::string transit_domain;
  std::string directory_file;
  std::string directory_issued;
  std::map<std::string, PeerPurpose, std::less<>> purposes;
  std::string rule;

  // Whether `purpose` may cross to (outgoing) or from the peer; the rule that
  // says so or refuses is `rule` + "/purposes".
  [[nodiscard]] bool allows(std::string_view purpose, bool outgoing) const;
};

// Who may sign in to `schakel console` (region file "console_users", issue 16).
enum class ConsoleRole { kPrivacyOfficer, kRegionAdmin };

struct ConsoleUser {
  std::string id;
  std::string name;
  ConsoleRole role = ConsoleRole::kRegionAdmin;
  std::string certificate_cn;  // empty: password and TOTP only
  std::string rule;
};

[[nodiscard]] std::string_view to_string(ConsoleRole role);

// A partner's own JSON shape ("formats" in the region file): where in its
// documents the subject and each catalogue field live, as JSON pointers. An
// array field maps to an array in the document, each element's members by
// pointers relative to the element. Whatever no pointer names is dropped.
struct FieldMapping {
  std::string field;                     // catalogue field, or an array element's member
  nlohmann::json::json_pointer pointer;  // in the document, or in one array element
  std::vector<FieldMapping> members;     // for an array field: its elements' members
};

struct MappedFormat {
  std::string name;
  std::optional<nlohmann::json::json_pointer> bsn;
  std::optional<nlohmann::json::json_pointer> pseudonym;
  std::vector<FieldMapping> fields;
  std::string rule;  // where the region defines it
};

inline constexpr std::string_view kMappedJsonPrefix = "mapped-json:";

// The VIR's lifetimes: a signal is active at most two years, kept for history five.
inline constexpr int kMaxSignalDays = 730;
inline constexpr int kSignalHistoryDays = 1826;
// The pseudonym domain of the signal index: never a partner's, never issued.
inline constexpr std::string_view kSignalIndexDomain = "schakel-verwijsindex";
// The epoch the index pseudonym is always taken at: matching must not change
// when keys rotate, and the index domain is never issued, so never rotated.
inline constexpr std::uint32_t kSignalIndexEpoch = 1;

class Policy {
 public:
  Policy(std::string guideline_file, std::string region_file, std::string region_name,
         std::string hash, std::map<std::string, Category, std::less<>> categories,
         std::map<std::string, FieldSpec, std::less<>> fields,
         std::map<std::string, Purpose, std::less<>> guideline_purposes,
         std::map<std::string, Purpose, std::less<>> enabled_purposes,
         std::vector<Partner> partners, std::shared_ptr<const Redactor> redactor,
         std::map<std::string, MappedFormat, std::less<>> formats = {},
         std::optional<FhirMapping> fhir = {}, std::vector<ConsoleUser> console_users = {},
         std::vector<PeerRegion> peers = {}, std::vector<Partner> remote_partners = {});

  // A partner of this region; never one of a peer region.
  [[nodiscard]] const Partner* partner_by_oin(std::string_view oin) const;
  // Where a message to `oin` goes: the partner of this region, else the one
  // peer region's partner; nullptr when nobody has it or, for a partner that
  // two peer regions list (ambiguous), `ambiguous` is set.
  [[nodiscard]] const Partner* recipient_by_oin(std::string_view oin,
                                                bool* ambiguous = nullptr) const;
  [[nodiscard]] const Partner* remote_partner(std::string_view peer_id, std::string_view oin) const;
  [[nodiscard]] const PeerRegion* peer(std::string_view id) const;
  [[nodiscard]] const PeerRegion* peer_by_gateway_oin(std::string_view oin) const;
  [[nodiscard]] const std::vector<PeerRegion>& peers() const { return peers_; }
  [[nodiscard]] const std::vector<Partner>& remote_partners() const { return remote_partners_; }
  [[nodiscard]] const Purpose* enabled_purpose(std::string_view id) const;
  [[nodiscard]] const Purpose* guideline_purpose(std::string_view id) const;
  [[nodiscard]] const FieldSpec* field(std::string_view name) const;
  [[nodiscard]] const Category* category(std::string_view id) const;
  // The region's mapped JSON shape of this name ("mapped-json:NAME" without the prefix).
  [[nodiscard]] const MappedFormat* mapped_format(std::string_view name) const;
  // The guideline's FHIR elements per catalogue field; null when it maps none.
  [[nodiscard]] const FhirMapping* fhir() const { return fhir_ ? &*fhir_ : nullptr; }
  [[nodiscard]] const std::vector<Partner>& partners() const { return partners_; }
  [[nodiscard]] const std::vector<ConsoleUser>& console_users() const { return console_users_; }
  [[nodiscard]] const std::map<std::string, Purpose, std::less<>>& enabled_purposes() const {
    return enabled_purposes_;
  }
  [[nodiscard]] const std::map<std::string, Purpose, std::less<>>& guideline_purposes() const {
    return guideline_purposes_;
  }
  [[nodiscard]] const std::string& hash() const { return hash_; }
  [[nodiscard]] const std::string& region_name() const { return region_name_; }
  [[nodiscard]] const std::string& guideline_file() const { return guideline_file_; }
  [[nodiscard]] const std::string& region_file() const { return region_file_; }
  // Redacts the free text of this policy's messages: the built-in gazetteer
  // plus the region's names ("redaction": {"names": [...]}).
  [[nodiscard]] const Redactor& redactor() const { return *redactor_; }

 private:
  std::string guideline_file_;
  std::string region_file_;
  std::string region_name_;
  std::string hash_;
  std::map<std::string, Category, std::less<>> categories_;
  std::map<std::string, FieldSpec, std::less<>> fields_;
  std::map<std::string, Purpose, std::less<>> guideline_purposes_;
  std::map<std::string, Purpose, std::less<>> enabled_purposes_;
  std::vector<Partner> partners_;
  std::map<std::string, std::size_t, std::less<>> partner_index_by_oin_;
  std::shared_ptr<const Redactor> redactor_;  // never null
  std::map<std::string, MappedFormat, std::less<>> formats_;
  std::optional<FhirMapping> fhir_;
  std::vector<ConsoleUser> console_users_;
  std::vector<PeerRegion> peers_;
  std::vector<Partner> remote_partners_;
  std::multimap<std::string, std::size_t, std::less<>> remote_index_by_oin_;
};

}  // namespace schakel::policy
