#pragma once
// Short names for Asio and Beast in the translation units that use them, the
// completion token every network wait uses (errors come back as values), and
// what both directions refuse of HTTP/1.1 framing.
#include <cstdint>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace schakel::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
inline constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// Chunk extensions are not part of the contract: a parser set up so fails
// with bad_chunk_extension on the first one (requests and replies alike).
// Beast keeps only a reference to the callback: it is a stateless object
// that lives as long as the program.
struct ChunkExtensionRefusal {
  void operator()(std::uint64_t, beast::string_view extensions, beast::error_code& ec) const {
    if (!extensions.empty()) ec = http::error::bad_chunk_extension;
  }
};
template <bool IsRequest, typename Body>
void refuse_chunk_extensions(http::parser<IsRequest, Body>& parser) {
  static ChunkExtensionRefusal refusal;
  parser.on_chunk_header(refusal);
}

}  // namespace schakel::net
