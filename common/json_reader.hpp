#pragma once
// Reads one JSON object of a configuration file against the members a schema
// knows. Each accessor checks presence and type and records a ConfigError with
// the member's JSON pointer when they are wrong; finish() reports members that
// no accessor asked for (typos). Never throws; absent or wrong values come back
// as std::nullopt / nullptr so the caller can go on and find further errors.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/config_error.hpp"

namespace schakel {

enum class Presence { kRequired, kOptional };

class ObjectReader {
 public:
  ObjectReader(const nlohmann::json& value, std::string file, std::string pointer,
               ConfigErrors& errors);

  [[nodiscard]] bool is_object() const { return object_ != nullptr; }
  [[nodiscard]] const std::string& pointer() const { return pointer_; }
  [[nodiscard]] const std::string& file() const { return file_; }
  [[nodiscard]] std::string child(std::string_view key) const;
  // Whether the object has this member (reading nothing, marking nothing).
  [[nodiscard]] bool has(std::string_view key) const { return object_ && object_->contains(key); }
  // A reader for a value below this one, reporting into the same error list.
  [[nodiscard]] ObjectReader nested(const nlohmann::json& value, std::string pointer) const {
    return ObjectReader(value, file_, std::move(pointer), errors_);
  }

  std::optional<std::string> string(std::string_view key, Presence presence);
  std::optional<std::int64_t> integer(std::string_view key, Presence presence);
  std::optional<bool> boolean(std::string_view key, Presence presence);
  std::optional<std::vector<std::string>> strings(std::string_view key, Presence presence);
  const nlohmann::json* object(std::string_view key, Presence presence);
  const nlohmann::json* array(std::string_view key, Presence presence);

  void error(const std::string& pointer, std::string message);
  // Reports every member that no accessor above asked for.
  // Marks a member as handled by the caller (who reported what is wrong with
  // it), so that finish() does not call it unknown as well.
  void handled(std::string_view key) { seen_.emplace(key); }
  void finish();

 private:
  const nlohmann::json* member(std::string_view key, Presence presence);
  void wrong_type(std::string_view key, std::string_view expected);

  const nlohmann::json* object_;
  std::string file_;
  std::string pointer_;
  ConfigErrors& errors_;
  std::set<std::string, std::less<>> seen_;
};

}  // namespace schakel
