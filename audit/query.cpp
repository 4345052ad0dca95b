#include "audit/query.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "audit/log_store.hpp"
#include "audit/trail_frame.hpp"
#include "audit/verify.hpp"
#include "common/calendar.hpp"

namespace schakel::audit {
namespace {

// When a record that started at `start` (ISO 8601) expires, as "YYYY-MM-DD";
// nothing when `start` is no timestamp.
std::optional<std::string> expiry(std::string_view start, int retention_days) {
  const auto date = calendar::date_of_timestamp(start);
  if (!date) return std::nullopt;
  return calendar::format_date(
      calendar::Date{std::chrono::sys_days{*date} + std::chrono::days{retention_days}});
}

// A string member of the body (or of its attributes), or nothing.
const std::string* text_of(const nlohmann::json& body, const char* key,
                           bool in_attributes = false) {
  const nlohmann::json* object = &body;
  if (in_attributes) {
    const auto attributes = body.find("attributes");
    if (attributes == body.end() || !attributes->is_object()) return nullptr;
    object = &*attributes;
  }
  const auto member = object->find(key);
  if (member == object->end() || !member->is_string()) return nullptr;
  return member->get_ptr<const std::string*>();
}

bool equals(const nlohmann::json& body, const char* key, const std::optional<std::string>& wanted) {
  if (!wanted) return true;
  const auto* value = text_of(body, key);
  return value && *value == *wanted;
}

bool matches(std::uint64_t sequence, const nlohmann::json& body, const QueryFilter& filter) {
  if (filter.sequence && sequence != *filter.sequence) return false;
  if (filter.kind && !equals(body, "kind", filter.kind)) return false;
  if (filter.transaction_id && !equals(body, "transaction_id", filter.transaction_id)) return false;
  if (filter.subject_tokens) {
    const auto* token = text_of(body, "dpl.core.data_subject_id", true);
    if (!token ||
        std::ranges::find(*filter.subject_tokens, *token) == filter.subject_tokens->end()) {
      return false;
    }
  }
  if (filter.partner && !equals(body, "sender", filter.partner) &&
      !equals(body, "recipient", filter.partner)) {
    return false;
  }
  if (!equals(body, "purpose", filter.purpose) || !equals(body, "outcome", filter.outcome)) {
    return false;
  }
  const auto* start = text_of(body, "start_time");
  if (filter.from && (!start || *start < *filter.from)) return false;
  if (filter.to && (!start || !(*start < *filter.to))) return false;
  return true;
}

// Verifies the whole trail, showing `visit` each record; an error unless intact.
std::expected<void, std::string> read_verified(const TrailSource& trail,
                                               const RecordVisitor& visit) {
  VerifyOptions options;
  options.visit = visit;
  auto report = verify_trail(trail, options);
  if (!report) return std::unexpected(report.error());
  if (!report->intact()) {
    return std::unexpected("the trail is not intact at sequence " +
                           std::to_string(report->first_bad_sequence) + " (" + report->problem +
                           "); run `schakel audit verify` — nothing is read from an altered trail");
  }
  return {};
}

}  // namespace

std::expected<std::vector<QueriedRecord>, std::string> query_records(const TrailSource& trail,
                                                                     const QueryFilter& filter) {
  std::vector<QueriedRecord> out;
  auto read = read_verified(trail, [&](std::uint64_t sequence, const nlohmann::json& body) {
    if (out.size() < filter.limit && matches(sequence, body, filter)) {
      out.push_back({sequence, body});
    }
  });
  if (!read) return std::unexpected(read.error());
  return out;
}

std::expected<PrunePlan, std::string> plan_prune(
    const TrailSource& trail, const std::string& now,
    const std::function<int(const std::string& purpose)>& retention_days) {
  PrunePlan plan;
  bool kept = false;
  auto read = read_verified(trail, [&](std::uint64_t sequence, const nlohmann::json& body) {
    if (kept) return;
    const auto* start = text_of(body, "start_time");
    const auto* purpose = text_of(body, "purpose");
    const auto expires =
        start ? expiry(*start, retention_days(purpose ? *purpose : std::string())) : std::nullopt;
    if (!expires || *expires > now) {  // a record without a readable time is kept
      plan.first_kept_time = start ? *start : std::string();
      kept = true;
      return;
    }
    plan.cut = sequence;
    ++plan.records;
  });
  if (!read) return std::unexpected(read.error());
  return plan;
}

std::expected<std::optional<std::string>, std::string> oldest_record_time(
    const TrailSource& trail) {
  std::optional<std::string> time;
  auto read = trail.for_each_frame([&](const FrameView& frame) {
    if (frame.type != FrameType::kRecord) return true;
    auto body = nlohmann::json::parse(frame.payload, nullptr, false);
    if (const auto* start = body.is_object() ? text_of(body, "start_time") : nullptr) time = *start;
    return false;
  });
  if (!read) return std::unexpected(read.error().message);
  return time;
}

std::expected<std::vector<QueriedRecord>, std::string> query_records(
    const std::filesystem::path& trail, const QueryFilter& filter) {
  return query_records(LogTrail(trail), filter);
}

}  // namespace schakel::audit
