#include "common/json_reader.hpp"

namespace schakel {

ObjectReader::ObjectReader(const nlohmann::json& value, std::string file, std::string pointer,
                           ConfigErrors& errors)
    : object_(value.is_object() ? &value : nullptr),
      file_(std::move(file)),
      pointer_(std::move(pointer)),
      errors_(errors) {
  if (!object_) error(pointer_.empty() ? "/" : pointer_, "must be an object");
}

std::string ObjectReader::child(std::string_view key) const {
  return pointer_append(pointer_, key);
}

void ObjectReader::error(const std::string& pointer, std::string message) {
  errors_.push_back(ConfigError{file_, pointer, std::move(message)});
}

const nlohmann::json* ObjectReader::member(std::string_view key, Presence presence) {
  if (!object_) return nullptr;
  seen_.emplace(key);
  auto it = object_->find(key);
  if (it == object_->end()) {
    if (presence == Presence::kRequired) error(child(key), "is required");
    return nullptr;
  }
  return &*it;
}

void ObjectReader::wrong_type(std::string_view key, std::string_view expected) {
  error(child(key), "must be " + std::string(expected));
}

std::optional<std::string> ObjectReader::string(std::string_view key, Presence presence) {
  const auto* value = member(key, presence);
  if (!value) return std::nullopt;
  if (!value->is_string()) {
    wrong_type(key, "a string");
    return std::nullopt;
  }
  auto text = value->get<std::string>();
  if (text.find('\0') != std::string::npos) {
    // A path or name cut short at the NUL by the C library would be another one.
    error(child(key), "must not contain a NUL character");
    return std::nullopt;
  }
  return text;
}

std::optional<std::int64_t> ObjectReader::integer(std::string_view key, Presence presence) {
  const auto* value = member(key, presence);
  if (!value) return std::nullopt;
  if (!value->is_number_integer()) {
    wrong_type(key, "an integer");
    return std::nullopt;
  }
  return value->get<std::int64_t>();
}

std::optional<bool> ObjectReader::boolean(std::string_view key, Presence presence) {
  const auto* value = member(key, presence);
  if (!value) return std::nullopt;
  if (!value->is_boolean()) {
    wrong_type(key, "true or false");
    return std::nullopt;
  }
  return value->get<bool>();
}

std::optional<std::vector<std::string>> ObjectReader::strings(std::string_view key,
                                                              Presence presence) {
  const auto* value = member(key, presence);
  if (!value) return std::nullopt;
  if (!value->is_array()) {
    wrong_type(key, "an array of strings");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < value->size(); ++i) {
    const auto& item = (*value)[i];
    if (!item.is_string()) {
      error(pointer_append(child(key), std::to_string(i)), "must be a string");
      continue;
    }
    auto text = item.get<std::string>();
    if (text.find('\0') != std::string::npos) {
      error(pointer_append(child(key), std::to_string(i)), "must not contain a NUL character");
      continue;
    }
    out.push_back(std::move(text));
  }
  return out;
}

const nlohmann::json* ObjectReader::object(std::string_view key, Presence presence) {
  const auto* value = member(key, presence);
  if (value && !value->is_object()) {
    wrong_type(key, "an object");
    return nullptr;
  }
  return value;
}

const nlohmann::json* ObjectReader::array(std::string_view key, Presence presence) {
  const auto* value = member(key, presence);
  if (value && !value->is_array()) {
    wrong_type(key, "an array");
    return nullptr;
  }
  return value;
}

void ObjectReader::finish() {
  if (!object_) return;
  for (const auto& [key, value] : object_->items()) {
    if (!seen_.contains(key)) error(child(key), "unknown member (not part of the schema)");
  }
}

}  // namespace schakel
