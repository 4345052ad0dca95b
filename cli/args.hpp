#pragma once
// Command-line arguments of one subcommand: "--name value" options, bare
// flags and positional words. Unknown options are an error, reported with
// the subcommand's usage.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace schakel::cli {

class Args {
 public:
  // `options` take a value; `flags` do not.
  Args(int argc, char** argv, int first, std::set<std::string> options,
       std::set<std::string> flags);

  [[nodiscard]] bool ok() const { return error_.empty(); }
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] std::optional<std::string> option(const std::string& name) const;
  [[nodiscard]] bool flag(const std::string& name) const { return flags_seen_.contains(name); }
  [[nodiscard]] const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_seen_;
  std::vector<std::string> positional_;
  std::string error_;
};

}  // namespace schakel::cli
