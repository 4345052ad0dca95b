#pragma once
// RFC 7240 Prefer, as far as Schakel honours it: whether the sender asks for
// asynchronous delivery ("respond-async"). All Prefer fields and their
// comma-separated preferences form one list; a preference is
// token [ "=" value ] *( ";" parameter ); the token compares
// case-insensitively. Anything else in the list is ignored, as RFC 7240
// lets a server ignore preferences it does not support.
#include "gateway/http_types.hpp"

namespace schakel::gateway {

[[nodiscard]] bool prefers_respond_async(const Request& request);

}  // namespace schakel::gateway
