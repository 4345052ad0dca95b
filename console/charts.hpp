#pragma once
// Small server-rendered SVG charts for the console (issue 16), no chart
// library: horizontal bars for counts by one key, and stacked columns for
// counts per day by series. Each chart is an <svg role="img"> with a title
// and a description, followed by its numbers as a table (for screen readers
// and for anyone who would rather read). Colours come from the stylesheet's
// classes (bar0..bar5), never inline styles (the CSP forbids them).
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace schakel::console {

using Counts = std::vector<std::pair<std::string, std::uint64_t>>;

// One bar per entry, longest first as given. Empty: a sentence saying there is nothing.
[[nodiscard]] std::string bar_chart(const std::string& id, const std::string& title,
                                    const Counts& counts, const std::string& nothing);
// One column per day (oldest first), stacked by series; series past the sixth share its colour.
[[nodiscard]] std::string daily_chart(
    const std::string& id, const std::string& title, const std::vector<std::string>& days,
    const std::map<std::string, std::vector<std::uint64_t>>& series, const std::string& nothing);

}  // namespace schakel::console
