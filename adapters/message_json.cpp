#include "adapters/message_json.hpp"

#include <simdjson.h>

#include <string>
#include <vector>

#include "common/config_error.hpp"

namespace schakel::adapters {
namespace {

using nlohmann::json;
namespace dom = simdjson::dom;

constexpr std::size_t kNoPosition = StrictJsonError::kNoPosition;

// Copies a simdjson element into nlohmann::json, refusing what strict_json refuses.
class Copier {
 public:
  explicit Copier(std::size_t max_depth) : max_depth_(max_depth) {}

  std::expected<json, StrictJsonError> copy(dom::element element) {
    json out;
    if (!copy_into(element, out, 0)) return std::unexpected(error_);
    return out;
  }

 private:
  bool copy_into(dom::element element, json& out, std::size_t depth) {
    switch (element.type()) {
      case dom::element_type::OBJECT: return copy_object(element.get_object().value_unsafe(), out, depth);
      case dom::element_type::ARRAY: return copy_array(element.get_array().value_unsafe(), out, depth);
      case dom::element_type::STRING:
        out = std::string(element.get_string().value_unsafe());
        return true;
      case dom::element_type::INT64: {
        const std::int64_t value = element.get_int64().value_unsafe();
        if (value > kMaxSafeInteger || value < -kMaxSafeInteger) return too_large();
        out = value < 0 ? json(value) : json(static_cast<std::uint64_t>(value));
        return true;
      }
      case dom::element_type::UINT64: {
        const std::uint64_t value = element.get_uint64().value_unsafe();
        if (value > static_cast<std::uint64_t>(kMaxSafeInteger)) return too_large();
        out = value;
        return true;
      }
      case dom::element_type::DOUBLE: out = element.get_double().value_unsafe(); return true;
      case dom::element_type::BOOL: out = element.get_bool().value_unsafe(); return true;
      case dom::element_type::NULL_VALUE: out = nullptr; return true;
    }
    return fail(StrictJsonErrorKind::kSyntax, "not valid JSON");  // no other types exist
  }

  bool copy_object(dom::object object, json& out, std::size_t depth) {
    if (!deeper(depth)) return false;
    out = json::object();
    for (const auto field : object) {
      const std::string name(field.key);
      path_.push_back(name);
      if (out.contains(name)) {
        return fail(StrictJsonErrorKind::kDuplicateKey, "a member name appears twice in one object");
      }
      if (!copy_into(field.value, out[name], depth + 1)) return false;
      path_.pop_back();
    }
    return true;
  }

  bool copy_array(dom::array array, json& out, std::size_t depth) {
    if (!deeper(depth)) return false;
    out = json::array();
    for (const auto item : array) {
      path_.push_back(std::to_string(out.size()));
      out.push_back(nullptr);
      if (!copy_into(item, out.back(), depth + 1)) return false;
      path_.pop_back();
    }
    return true;
  }

  bool deeper(std::size_t depth) {
    if (depth < max_depth_) return true;
    return fail(StrictJsonErrorKind::kTooDeep,
                "nesting deeper than " + std::to_string(max_depth_) + " levels");
  }
  bool too_large() {
    return fail(StrictJsonErrorKind::kIntegerTooLarge,
                "an integer beyond ±2^53 cannot be passed on exactly");
  }
  bool fail(StrictJsonErrorKind kind, std::string message) {
    std::string pointer;
    for (const auto& token : path_) pointer = pointer_append(pointer, token);
    error_ = StrictJsonError{kind, std::move(pointer), 0, std::move(message)};
    return false;
  }

  std::size_t max_depth_;
  std::vector<std::string> path_;
  StrictJsonError error_{StrictJsonErrorKind::kSyntax, "", 0, ""};
};

}  // namespace

std::expected<nlohmann::json, StrictJsonError> parse_message_json(std::string_view text,
                                                                  std::size_t max_depth) {
  // One parser per thread: its buffers are reused from message to message.
  thread_local dom::parser parser;
  dom::element root;
  if (const auto error = parser.parse(text.data(), text.size()).get(root); error) {
    // simdjson gives one error for a malformed number and for an integer
    // beyond 64 bits or a number beyond a double's range: refused either way.
    if (error == simdjson::NUMBER_ERROR) {
      return std::unexpected(StrictJsonError{
          StrictJsonErrorKind::kSyntax, "", kNoPosition,
          "not valid JSON: a malformed number, or one that cannot be passed on exactly"});
    }
    if (error == simdjson::DEPTH_ERROR) {
      return std::unexpected(StrictJsonError{StrictJsonErrorKind::kTooDeep, "", kNoPosition,
                                             "nesting deeper than " + std::to_string(max_depth) +
                                                 " levels"});
    }
    return std::unexpected(StrictJsonError{StrictJsonErrorKind::kSyntax, "", kNoPosition, "not valid JSON"});
  }
  return Copier(max_depth).copy(root);
}

}  // namespace schakel::adapters
