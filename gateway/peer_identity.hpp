#pragma once
// Who is on the other end of a verified connection, from the certificate of
// its handshake: Subject serialNumber (the 20-digit OIN), Subject O (the
// organisation's name), Subject CN and the validity period. A connection outlives the
// check in its handshake: whoever serves a request calls valid_at(now).
// Plain data: what the pipeline and the routes need without Asio or OpenSSL
// (tls.hpp reads it from a certificate).
#include <algorithm>
#include <chrono>
#include <string>

namespace schakel::gateway {

struct PeerIdentity {
  std::string oin;
  std::string organisation;
  std::string common_name;  // Subject CN: names a console user's certificate (console/)
  std::chrono::system_clock::time_point not_before = std::chrono::system_clock::time_point::max();
  std::chrono::system_clock::time_point not_after = std::chrono::system_clock::time_point::min();

  // Within notBefore..notAfter, both inclusive as in OpenSSL. Never for the
  // empty identity of an unverified peer.
  [[nodiscard]] bool valid_at(std::chrono::system_clock::time_point now) const {
    return not_before <= now && now <= not_after;
  }
};

// The certificate's OIN as the trail and the log may name it: only text of an
// OIN's shape (20 digits), since a serialNumber is the CA's text, not a value
// the policy checked; otherwise empty.
[[nodiscard]] inline std::string recordable_oin(const PeerIdentity& peer) {
  const bool oin_shaped =
      peer.oin.size() == 20 &&
      std::all_of(peer.oin.begin(), peer.oin.end(), [](char c) { return c >= '0' && c <= '9'; });
  return oin_shaped ? peer.oin : std::string();
}

}  // namespace schakel::gateway
