#include "cli/args.hpp"

namespace schakel::cli {

Args::Args(int argc, char** argv, int first, std::set<std::string> options,
           std::set<std::string> flags) {
  for (int i = first; i < argc; ++i) {
    std::string word = argv[i];
    if (!word.starts_with("--")) {
      positional_.push_back(word);
      continue;
    }
    std::string name = word.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (flags.contains(name) && !inline_value) {
      flags_seen_.insert(name);
    } else if (options.contains(name)) {
      if (inline_value) {
        values_[name] = *inline_value;
      } else if (i + 1 < argc) {
        values_[name] = argv[++i];
      } else {
        error_ = "option --" + name + " needs a value";
        return;
      }
    } else {
      error_ = "unknown option --" + name;
      return;
    }
  }
}

std::optional<std::string> Args::option(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

}  // namespace schakel::cli
