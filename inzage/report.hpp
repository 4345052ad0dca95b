#pragma once
// The answer to a person's access request (inzage, issue 19), from the
// trail's records about them: every exchange — when (Europe/Amsterdam), from
// which partner to which, the purpose in Dutch with its legal bases, which
// categories, and how each field was shared ("geboortedatum als
// leeftijdscategorie") — the region's work about them (signals, matches,
// cases, handovers), re-identifications, earlier inzage requests, and the
// refused requests counted. Names follow the VNG Verwerkingenlogging API's
// Verwerkingsactie where one fits (actieId, verwerkingNaam,
// verwerkingsactiviteitUrl, vertrouwelijkheid, uitvoerder, soortAfnemerId,
// afnemerId, tijdstip, verwerkteSoortenGegevens/soortGegeven); the rest are
// Schakel's, in Dutch (README, "Inzage", says where and why they differ).
//
// For the person, what the purpose's inzage keeps back now is left out —
// not counted, not hinted at; for the privacy officer everything is in, each
// item with how the person sees it and the ground. Built from names,
// categories and actions, never from a value.
#include <cstdint>
#include <expected>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/query.hpp"
#include "policy/model.hpp"

namespace schakel::inzage {

enum class Audience { kPerson, kOfficer };

struct ReportInput {
  const policy::Policy& policy;
  const std::vector<audit::QueriedRecord>& records;  // the person's, in sequence order
  std::int64_t now = 0;                              // seconds since the epoch
  // Exchanges released by their purpose's role, as "<purpose>\n<transaction
  // id>", besides the releases among `records` ("inzage-release" records,
  // which are never items).
  std::set<std::string> released;
  Audience audience = Audience::kPerson;
};

struct Report {
  nlohmann::json json;
  std::size_t shown = 0;      // items in it
  std::size_t held_back = 0;  // items the person does not see now (counted for the officer)
};

// An error when a record cannot be read as the trail writes it (its time,
// or a field action without wording): never a report that leaves it out unsaid.
[[nodiscard]] std::expected<Report, std::string> build_report(const ReportInput& input);

// A readable Dutch page of a report (its style inline, or `stylesheet`'s).
[[nodiscard]] std::string report_html(const nlohmann::json& report,
                                      const std::string& stylesheet = "");

}  // namespace schakel::inzage
