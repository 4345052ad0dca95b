#include "policy/inzage_loader.hpp"

#include <charconv>
#include <optional>

namespace schakel::policy {
namespace {

// The "inzage" member as written, checked on its own; nullopt when absent
// or wrong (the errors reported). `roles`: the guideline's, to check released_by.
std::optional<InzageRule> read_rule(ObjectReader& parent,
                                    const std::set<std::string, std::less<>>& roles,
                                    const Purpose& purpose) {
  const nlohmann::json* value = parent.object("inzage", Presence::kOptional);
  if (!value) return std::nullopt;
  auto reader = parent.nested(*value, parent.child("inzage"));
  bool sound = true;
  const auto refuse = [&](std::string_view key, std::string message) {
    reader.error(reader.child(key), std::move(message));
    sound = false;
  };
  InzageRule rule;
  rule.rule = reader.file() + "#" + reader.pointer();
  if (auto text = reader.string("mode", Presence::kRequired)) {
    if (auto mode = parse_inzage_mode(*text)) {
      rule.mode = *mode;
    } else {
      refuse("mode", "must be visible, deferred or withheld");
    }
  } else {
    sound = false;
  }
  rule.ground = reader.string("ground", Presence::kOptional).value_or("");
  if (rule.mode != InzageMode::kVisible &&
      rule.ground.find_first_not_of(" \t") == std::string::npos) {
    refuse(
        "ground",
        "must name the legal ground for keeping exchanges from the person (AVG art. 23 with ...)");
  }
  const auto days = reader.integer("defer_days", Presence::kOptional);
  const auto released = reader.string("released_by", Presence::kOptional);
  if (rule.mode != InzageMode::kDeferred && (days || released)) {
    refuse(days ? "defer_days" : "released_by", "only a deferred purpose has one");
  }
  if (days && (*days < 1 || *days > kMaxDeferDays)) {
    refuse("defer_days", "must be between 1 and " + std::to_string(kMaxDeferDays));
  } else if (days) {
    rule.defer_days = static_cast<int>(*days);
  }
  if (released && !roles.contains(*released)) {
    refuse("released_by", "unknown role \"" + *released + "\"");
  } else if (released && !purpose.senders.contains(*released) &&
             !purpose.recipients.contains(*released)) {
    refuse("released_by",
           "role \"" + *released +
               "\" neither sends nor receives under the purpose: it could release nothing");
  } else if (released) {
    rule.released_by = *released;
  }
  if (sound && rule.mode == InzageMode::kDeferred && rule.defer_days == 0 &&
      rule.released_by.empty()) {
    reader.error(reader.pointer(),
                 "a deferral ends after defer_days or by released_by: name at least one");
    sound = false;
  }
  reader.finish();
  return sound ? std::optional(rule) : std::nullopt;
}

// Why `region` is looser than `guideline`, or nothing when it is as strict or stricter.
std::optional<std::string> looser(const InzageRule& guideline, const InzageRule& region) {
  if (region.mode < guideline.mode) return "the person would see what the guideline keeps back";
  if (region.mode != InzageMode::kDeferred || guideline.mode != InzageMode::kDeferred) {
    return std::nullopt;
  }
  if (!region.released_by.empty() && region.released_by != guideline.released_by) {
    return "a release by \"" + region.released_by + "\", which the guideline does not allow";
  }
  if (region.defer_days == 0) return std::nullopt;  // until released only: the strictest deferral
  if (guideline.defer_days == 0 || region.defer_days < guideline.defer_days) {
    return "a shorter deferral than the guideline's";
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(InzageMode mode) {
  switch (mode) {
    case InzageMode::kVisible:
      return "visible";
    case InzageMode::kDeferred:
      return "deferred";
    case InzageMode::kWithheld:
      return "withheld";
  }
  return "?";
}

std::optional<InzageMode> parse_inzage_mode(std::string_view text) {
  if (text == "visible") return InzageMode::kVisible;
  if (text == "deferred") return InzageMode::kDeferred;
  if (text == "withheld") return InzageMode::kWithheld;
  return std::nullopt;
}

void record_inzage_rule(const InzageRule& rule, std::map<std::string, std::string>& details) {
  details["inzage"] = std::string(to_string(rule.mode));
  if (rule.defer_days > 0) details["inzage_days"] = std::to_string(rule.defer_days);
  if (!rule.released_by.empty()) details["inzage_released_by"] = rule.released_by;
}

std::optional<InzageRule> recorded_inzage_rule(const std::map<std::string, std::string>& details) {
  const auto mode_text = details.find("inzage");
  if (mode_text == details.end()) return std::nullopt;
  const auto mode = parse_inzage_mode(mode_text->second);
  if (!mode) return std::nullopt;
  InzageRule rule;
  rule.mode = *mode;
  rule.rule = "the rule in force at the exchange (its audit record)";
  if (auto days = details.find("inzage_days"); days != details.end()) {
    int value = 0;
    const auto& text = days->second;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || value < 1 ||
        value > kMaxDeferDays) {
      return std::nullopt;
    }
    rule.defer_days = value;
  }
  if (auto role = details.find("inzage_released_by"); role != details.end()) {
    rule.released_by = role->second;
  }
  return rule;
}

void read_inzage(ObjectReader& purpose_reader, const std::set<std::string, std::less<>>& roles,
                 Purpose& purpose) {
  purpose.inzage.rule = purpose.rule;
  if (auto rule = read_rule(purpose_reader, roles, purpose)) purpose.inzage = std::move(*rule);
}

void narrow_inzage(ObjectReader& purpose_reader, const std::set<std::string, std::less<>>& roles,
                   Purpose& purpose) {
  auto rule = read_rule(purpose_reader, roles, purpose);
  if (!rule) return;
  if (auto why = looser(purpose.inzage, *rule)) {
    purpose_reader.error(purpose_reader.child("inzage"),
                         "widens the guideline: inzage may only be stricter (" + *why + ")");
    return;
  }
  purpose.inzage = std::move(*rule);
}

}  // namespace schakel::policy
