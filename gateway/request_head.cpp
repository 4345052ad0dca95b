#include "gateway/request_head.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <vector>

namespace schakel::gateway {
namespace {

constexpr std::array<std::string_view, 27> kKnownHeaders{"host",
                                                         "content-type",
                                                         "content-length",
                                                         "transfer-encoding",
                                                         "connection",
                                                         "expect",
                                                         "user-agent",
                                                         "accept",
                                                         "accept-encoding",
                                                         "authorization",
                                                         "origin",
                                                         "te",
                                                         "trailer",
                                                         "upgrade",
                                                         "schakel-recipient",
                                                         "schakel-purpose",
                                                         "schakel-level",
                                                         "schakel-case",
                                                         "schakel-sender",
                                                         "schakel-field-actions",
                                                         "x-doelbinding",
                                                         "x-nlx-request-process-id",
                                                         "fsc-transaction-id",
                                                         "traceparent",
                                                         "tracestate",
                                                         "prefer",
                                                         "content-encoding"};

std::string lower(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

bool is_known_header(std::string_view name) {
  return std::ranges::find(kKnownHeaders, lower(name)) != kKnownHeaders.end();
}

std::expected<HeadFacts, Problem> check_head(const Request& head, int version) {
  std::vector<std::string> names;
  names.reserve(head.headers.size());
  for (const auto& [name, value] : head.headers) names.push_back(lower(name));
  std::ranges::sort(names);
  if (auto twice = std::ranges::adjacent_find(names); twice != names.end()) {
    const std::string which = is_known_header(*twice) ? *twice : "a header";
    return std::unexpected(make_problem(ProblemKind::kDuplicateHeader,
                                        which + " appears more than once; send it once"));
  }
  if (version >= 11 && !head.header("Host")) {
    return std::unexpected(
        make_problem(ProblemKind::kMalformedRequest, "HTTP/1.1 requires a Host header"));
  }
  if (version < 11 && head.header("Transfer-Encoding")) {  // RFC 9112 6.1: faulty framing
    return std::unexpected(
        make_problem(ProblemKind::kMalformedRequest, "Transfer-Encoding needs HTTP/1.1"));
  }
  if (const auto* length = head.header("Content-Length");
      length && (length->empty() || !std::ranges::all_of(*length, [](unsigned char c) {
                   return std::isdigit(c) != 0;
                 }))) {
    return std::unexpected(
        make_problem(ProblemKind::kMalformedRequest, "Content-Length must be one decimal number"));
  }
  if (const auto* coding = head.header("Transfer-Encoding");
      coding && lower(*coding) != "chunked") {
    return std::unexpected(make_problem(ProblemKind::kUnsupportedTransferCoding,
                                        "the only Transfer-Encoding understood is chunked"));
  }
  if (const auto* coding = head.header("Content-Encoding");
      coding && lower(*coding) != "identity") {
    return std::unexpected(make_problem(ProblemKind::kUnsupportedMediaType,
                                        "Content-Encoding is not supported; send the body as is"));
  }
  HeadFacts facts;
  if (const auto* expect = head.header("Expect")) {
    if (lower(*expect) != "100-continue") {
      return std::unexpected(make_problem(ProblemKind::kExpectationFailed,
                                          "the only Expect understood is 100-continue"));
    }
    facts.expects_continue = true;
  }
  return facts;
}

}  // namespace schakel::gateway
