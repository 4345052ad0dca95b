#pragma once
// A small JSON writer for the audit record's fixed schema, without a DOM:
// members are written in the order the caller gives (the record writes them
// sorted by name, as the canonical form requires), strings escaped exactly as
// nlohmann::json::dump() escapes them (", \, \b \f \n \r \t, other control
// characters as \u00xx; UTF-8 as is), integers in decimal. The output is
// therefore byte-for-byte what the DOM produced, so every hash of an older
// record still matches (record_test.cpp compares both over a sweep). Text
// must be valid UTF-8 (is_writable checks it before).
#include <cstdint>
#include <string>
#include <string_view>

namespace schakel::audit {

class CanonicalWriter {
 public:
  explicit CanonicalWriter(std::string& out) : out_(out) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  // The name of the next member (inside an object).
  void key(std::string_view name);
  void string(std::string_view text);
  void number(std::int64_t value);
  void number(std::uint64_t value);

  void member(std::string_view name, std::string_view text) {
    key(name);
    string(text);
  }

 private:
  void open(char bracket);
  void close(char bracket);
  void separate();
  void escaped(std::string_view text);

  std::string& out_;
  bool first_ = true;      // no comma before the next element
  bool after_key_ = false;  // the next value follows its key
};

}  // namespace schakel::audit
