#include "console/charts.hpp"

#include <algorithm>
#include <numeric>

#include "console/html.hpp"

namespace schakel::console {
namespace {

constexpr int kWidth = 640;
constexpr int kBarHeight = 18;
constexpr int kLabelWidth = 220;

std::string svg_open(const std::string& id, const std::string& title, int height) {
  return "<figure><svg role=\"img\" aria-labelledby=\"" + id + "-t\" width=\"" +
         std::to_string(kWidth) + "\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 " +
         std::to_string(kWidth) + " " + std::to_string(height) +
         "\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"" + id + "-t\">" + escape(title) +
         "</title>";
}

}  // namespace

std::string bar_chart(const std::string& id, const std::string& title, const Counts& counts,
                      const std::string& nothing) {
  if (counts.empty())
    return "<h3>" + escape(title) + "</h3><p class=\"note\">" + escape(nothing) + "</p>";
  std::uint64_t most = 1;
  for (const auto& entry : counts) most = std::max(most, entry.second);
  const int height = static_cast<int>(counts.size()) * (kBarHeight + 6) + 6;
  std::string svg =
      "<h3 id=\"" + id + "\">" + escape(title) + "</h3>" + svg_open(id, title, height);
  std::vector<std::vector<std::string>> rows;
  int y = 4;
  for (const auto& [label, count] : counts) {
    const int length = static_cast<int>((kWidth - kLabelWidth - 60) * count / most);
    svg += "<text x=\"0\" y=\"" + std::to_string(y + 13) + "\">" + escape(label.substr(0, 34)) +
           "</text><rect class=\"bar0\" x=\"" + std::to_string(kLabelWidth) + "\" y=\"" +
           std::to_string(y) + "\" width=\"" + std::to_string(std::max(length, 1)) +
           "\" height=\"" + std::to_string(kBarHeight) + "\"></rect><text x=\"" +
           std::to_string(kLabelWidth + length + 4) + "\" y=\"" + std::to_string(y + 13) + "\">" +
           std::to_string(count) + "</text>";
    rows.push_back({escape(label), std::to_string(count)});
    y += kBarHeight + 6;
  }
  svg += "</svg></figure>";
  return svg + "<details><summary>" + escape(title) + "</summary>" + table({"", "#"}, rows) +
         "</details>";
}

std::string daily_chart(const std::string& id, const std::string& title,
                        const std::vector<std::string>& days,
                        const std::map<std::string, std::vector<std::uint64_t>>& series,
                        const std::string& nothing) {
  std::vector<std::uint64_t> totals(days.size(), 0);
  for (const auto& [name, counts] : series) {
    for (std::size_t i = 0; i < days.size() && i < counts.size(); ++i) totals[i] += counts[i];
  }
  const std::uint64_t most = std::max<std::uint64_t>(
      1, totals.empty() ? 0 : *std::max_element(totals.begin(), totals.end()));
  if (std::accumulate(totals.begin(), totals.end(), std::uint64_t{0}) == 0) {
    return "<h3>" + escape(title) + "</h3><p class=\"note\">" + escape(nothing) + "</p>";
  }
  const int plot = 160;
  const int height = plot + 40 + static_cast<int>(series.size()) * 16;
  const int column = std::max(8, (kWidth - 40) / std::max<int>(1, static_cast<int>(days.size())));
  std::string svg =
      "<h3 id=\"" + id + "\">" + escape(title) + "</h3>" + svg_open(id, title, height);
  svg += "<line class=\"grid\" x1=\"30\" y1=\"" + std::to_string(plot) + "\" x2=\"" +
         std::to_string(kWidth) + "\" y2=\"" + std::to_string(plot) +
         "\"></line><text x=\"0\" y=\"12\">" + std::to_string(most) + "</text>";
  std::vector<std::uint64_t> stacked(days.size(), 0);
  int index = 0;
  std::vector<std::vector<std::string>> rows;
  for (const auto& [name, counts] : series) {
    const std::string css = "bar" + std::to_string(std::min(index, 5));
    for (std::size_t i = 0; i < days.size() && i < counts.size(); ++i) {
      if (counts[i] == 0) continue;
      const int top = plot - static_cast<int>(plot * (stacked[i] + counts[i]) / most);
      const int bar = static_cast<int>(plot * counts[i] / most);
      svg += "<rect class=\"" + css + "\" x=\"" +
             std::to_string(32 + static_cast<int>(i) * column) + "\" y=\"" + std::to_string(top) +
             "\" width=\"" + std::to_string(column - 2) + "\" height=\"" +
             std::to_string(std::max(bar, 1)) + "\"></rect>";
      stacked[i] += counts[i];
    }
    const int legend = plot + 32 + index * 16;
    svg += "<rect class=\"" + css + "\" x=\"32\" y=\"" + std::to_string(legend - 10) +
           "\" width=\"10\" height=\"10\"></rect><text x=\"48\" y=\"" + std::to_string(legend) +
           "\">" + escape(name) + "</text>";
    std::vector<std::string> row{escape(name)};
    for (std::size_t i = 0; i < days.size(); ++i) {
      row.push_back(std::to_string(i < counts.size() ? counts[i] : 0));
    }
    rows.push_back(std::move(row));
    ++index;
  }
  if (!days.empty()) {
    svg += "<text x=\"32\" y=\"" + std::to_string(plot + 14) + "\">" + escape(days.front()) +
           "</text><text x=\"" + std::to_string(kWidth - 70) + "\" y=\"" +
           std::to_string(plot + 14) + "\">" + escape(days.back()) + "</text>";
  }
  svg += "</svg></figure>";
  std::vector<std::string> head{""};
  for (const auto& day : days) head.push_back(day.substr(5));
  return svg + "<details><summary>" + escape(title) + "</summary>" + table(head, rows) +
         "</details>";
}

}  // namespace schakel::console
