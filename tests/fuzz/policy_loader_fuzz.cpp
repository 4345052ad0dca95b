// Fuzz target: policy/loader.hpp load_policy on files written from the input.
// Input: GUIDELINE "\n====\n" REGION, or a REGION alone (then the guideline is
// config/guideline.json, the file regions are written against). Never throws;
// refuses with at least one error naming its file, or yields a policy that
// does not widen the guideline (every enabled purpose is the guideline's,
// with at most its retention), on which every decision can be taken.
#include <fstream>
#include <sstream>

#include "policy/decision.hpp"
#include "policy/loader.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using schakel::fuzz::require;
using namespace schakel::policy;  // NOLINT(google-build-using-namespace)

constexpr std::string_view kSeparator = "\n====\n";

struct Files {
  schakel::fuzz::ScratchDir scratch;
  std::string national_guideline;

  Files() {
    std::ifstream in(std::filesystem::path(SCHAKEL_SOURCE_DIR) / "config/guideline.json");
    std::stringstream text;
    text << in.rdbuf();
    national_guideline = text.str();
    if (national_guideline.empty()) schakel::fuzz::violated("cannot read config/guideline.json");
  }

  [[nodiscard]] std::filesystem::path write(const char* name, std::string_view text) const {
    const auto path = scratch.path() / name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    return path;
  }
};

void take_decisions(const Policy& policy) {
  constexpr std::size_t kMaxPartners = 8;  // keeps one input's work small
  const auto& partners = policy.partners();
  const std::size_t count = std::min(partners.size(), kMaxPartners);
  for (std::size_t s = 0; s < count; ++s) {
    for (std::size_t r = 0; r < count; ++r) {
      for (const auto& [id, purpose] : policy.enabled_purposes()) {
        for (const std::optional<int> level : {std::optional<int>{}, std::optional<int>{1},
                                               std::optional<int>{2}, std::optional<int>{3}}) {
          const auto decision = decide(policy, partners[s], partners[r].oin, id, level);
          if (decision) {
            require(decision->sender && decision->recipient && decision->purpose && decision->plan,
                    "an allowed decision without sender, recipient, purpose or plan");
          }
        }
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Files files;
  const auto text = schakel::fuzz::text_of(data, size);
  const auto separator = text.find(kSeparator);
  const bool both = separator != std::string_view::npos;
  const auto guideline = files.write(
      "guideline.json", both ? text.substr(0, separator) : std::string_view(files.national_guideline));
  const auto region =
      files.write("region.json", both ? text.substr(separator + kSeparator.size()) : text);
  const auto policy = load_policy({guideline, region});
  if (!policy) {
    require(!policy.error().empty(), "a refused policy without an error");
    for (const auto& error : policy.error()) {
      require(error.file == "guideline.json" || error.file == "region.json",
              "an error that names no file of the run");
    }
    return 0;
  }
  for (const auto& [id, purpose] : (*policy)->enabled_purposes()) {
    const auto* base = (*policy)->guideline_purpose(id);
    require(base != nullptr, "an enabled purpose the guideline does not have");
    require(purpose.retention_days >= 1 && purpose.retention_days <= base->retention_days,
            "an enabled purpose's retention widens the guideline's");
  }
  take_decisions(**policy);
  return 0;
}
