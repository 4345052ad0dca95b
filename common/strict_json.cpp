#include "common/strict_json.hpp"

#include "common/config_error.hpp"

#include <optional>
#include <vector>

namespace schakel {
namespace {

using json = nlohmann::json;

// A DOM builder for nlohmann's SAX parser that refuses ambiguity as it goes.
class StrictBuilder final : public nlohmann::json_sax<json> {
 public:
  explicit StrictBuilder(std::size_t max_depth) : max_depth_(max_depth) {}

  bool null() override { return add(json(nullptr)); }
  bool boolean(bool value) override { return add(json(value)); }
  bool number_integer(number_integer_t value) override {
    if (value > kMaxSafeInteger || value < -kMaxSafeInteger) return too_large();
    return add(json(value));
  }
  bool number_unsigned(number_unsigned_t value) override {
    if (value > static_cast<number_unsigned_t>(kMaxSafeInteger)) return too_large();
    return add(json(value));
  }
  bool number_float(number_float_t value, const string_t& text) override {
    // An integer literal too large for 64 bits arrives here, already rounded.
    if (text.find_first_of(".eE") == string_t::npos) return too_large();
    return add(json(value));
  }
  bool string(string_t& value) override { return add(json(std::move(value))); }
  bool binary(binary_t&) override { return fail(StrictJsonErrorKind::kSyntax, "binary values"); }
  bool start_object(std::size_t) override { return open(json::object()); }
  bool key(string_t& name) override {
    json& object = *stack_.back();
    if (object.contains(name)) {
      path_.push_back(name);
      return fail(StrictJsonErrorKind::kDuplicateKey, "a member name appears twice in one object");
    }
    member_ = &object[name];
    path_.push_back(name);
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(json::array()); }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception&) override {
    error_ = StrictJsonError{StrictJsonErrorKind::kSyntax, "", position, "not valid JSON"};
    return false;
  }

  [[nodiscard]] std::expected<json, StrictJsonError> result() {
    if (error_) return std::unexpected(*error_);
    return std::move(root_);
  }

 private:
  std::string pointer() const {
    std::string out;
    for (const auto& token : path_) out = pointer_append(out, token);
    return out;
  }

  bool fail(StrictJsonErrorKind kind, std::string message) {
    error_ = StrictJsonError{kind, pointer(), 0, std::move(message)};
    return false;
  }
  bool too_large() {
    if (!stack_.empty() && stack_.back()->is_array()) {
      path_.push_back(std::to_string(stack_.back()->size()));
    }
    return fail(StrictJsonErrorKind::kIntegerTooLarge,
                "an integer beyond ±2^53 cannot be passed on exactly");
  }

  // Places a value where the parser is: the root, the next array element or the current member.
  json* place(json value) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    json& parent = *stack_.back();
    if (parent.is_array()) {
      path_.push_back(std::to_string(parent.size()));
      parent.push_back(std::move(value));
      return &parent.back();
    }
    *member_ = std::move(value);
    return member_;
  }
  // A value is complete: the token naming it in its parent goes.
  void value_done() {
    if (!stack_.empty()) path_.pop_back();
  }
  bool add(json value) {
    place(std::move(value));
    value_done();
    return true;
  }
  bool open(json value) {
    if (stack_.size() >= max_depth_) {
      return fail(StrictJsonErrorKind::kTooDeep,
                  "nesting deeper than " + std::to_string(max_depth_) + " levels");
    }
    stack_.push_back(place(std::move(value)));
    return true;
  }
  bool close() {
    stack_.pop_back();
    value_done();
    return true;
  }

  std::size_t max_depth_;
  json root_;
  std::vector<json*> stack_;
  json* member_ = nullptr;
  std::vector<std::string> path_;  // member names and indices down to the value being read
  std::optional<StrictJsonError> error_;
};

}  // namespace

std::string StrictJsonError::describe() const {
  if (kind == StrictJsonErrorKind::kSyntax && position != kNoPosition) {
    return message + " (at byte " + std::to_string(position) + ")";
  }
  return message;
}

std::expected<nlohmann::json, StrictJsonError> parse_strict_json(std::string_view text,
                                                                 std::size_t max_depth) {
  StrictBuilder builder(max_depth);
  const bool parsed = json::sax_parse(text, &builder, json::input_format_t::json,
                                      /*strict=*/true, /*ignore_comments=*/false);
  auto result = builder.result();
  if (parsed && !result) return result;
  if (!parsed && result) {
    return std::unexpected(StrictJsonError{StrictJsonErrorKind::kSyntax, "", 0, "not valid JSON"});
  }
  return result;
}

}  // namespace schakel
