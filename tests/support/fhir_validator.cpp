#include "tests/support/fhir_validator.hpp"

#include <sys/wait.h>

#include <cstdio>

#include "tests/support/paths.hpp"

namespace schakel::testing {

std::vector<std::string> fhir_validation_errors(const std::vector<std::string>& documents) {
  TempDir dir;
  std::string command = "node '" + (source_dir() / "tests/support/fhir/validate.js").string() + "'";
  for (std::size_t i = 0; i < documents.size(); ++i) {
    const auto file = dir.path() / ("document-" + std::to_string(i) + ".json");
    write_file(file, documents[i]);
    command += " '" + file.string() + "'";
  }
  command += " 2>&1";
  std::vector<std::string> errors;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return {"cannot start node for tests/support/fhir/validate.js"};
  std::string output;
  char buffer[4096];
  while (const auto n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = ::pclose(pipe);
  for (std::size_t at = 0; at < output.size();) {
    const auto end = output.find('\n', at);
    errors.push_back(output.substr(at, end == std::string::npos ? end : end - at));
    at = end == std::string::npos ? output.size() : end + 1;
  }
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (code != 0 && errors.empty()) {
    errors.push_back("validate.js exited with " + std::to_string(code) + " and said nothing");
  }
  if (code == 0 && !errors.empty()) errors.clear();  // node's own warnings on a valid run
  return errors;
}

}  // namespace schakel::testing
