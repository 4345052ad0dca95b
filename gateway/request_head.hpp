#pragma once
// Checks on a request's head, once its headers are read and before its body
// is: what HTTP/1.1 and the contract leave ambiguous is refused, not
// resolved. Any header name twice (a second Schakel-Recipient, Content-Length
// or Host would be read differently by different parsers), HTTP/1.1 without
// Host, an Expect other than 100-continue, a Content-Length that is not one
// number ("5, 5"), a Transfer-Encoding in HTTP/1.0, one other than
// chunked (501: a body the gateway cannot decode is never read as plain), a
// Content-Encoding other than identity (415). A problem's detail names a header
// only when it is one the gateway knows: an unknown name may be personal data.
#include <expected>
#include <string_view>

#include "common/problem.hpp"
#include "gateway/http_types.hpp"

namespace schakel::gateway {

struct HeadFacts {
  bool expects_continue = false;  // the client waits for "100 Continue" before its body
};

[[nodiscard]] std::expected<HeadFacts, Problem> check_head(const Request& head, int version);

// Whether the gateway knows this header name (case-insensitive).
[[nodiscard]] bool is_known_header(std::string_view name);

}  // namespace schakel::gateway
