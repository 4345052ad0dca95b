#pragma once
// Counters the admin listener exposes in Prometheus text format. Lock-free
// but for the open-handover snapshot (a pointer swap); shared by every connection. Each listener
// counts its own connections, so a Prometheus scrape of the admin listener never counts as a
// partner's.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "common/shared_snapshot.hpp"

namespace schakel::gateway {

// One listener's connections (rendered with the label listener="<name>").
struct ListenerMetrics {
  std::atomic<std::uint64_t> connections_accepted{0};
  std::atomic<std::uint64_t> connections_rejected{0};
  std::atomic<std::uint64_t> handshakes_failed{0};
  std::atomic<std::uint64_t> connections_shed{0};    // unauthenticated, for room
  std::atomic<std::uint64_t> requests_malformed{0};  // not HTTP as the contract speaks it
  std::atomic<std::uint64_t> handler_exceptions{0};  // caught; the exchange ended, not the process
  std::atomic<std::int64_t> connections_active{0};
};

// Open handovers (issue 15) per recipient OIN: how many, and how long the
// oldest has waited since it was queued. A snapshot the Courier replaces
// each round.
struct OpenHandovers {
  std::int64_t count = 0;
  std::int64_t oldest_seconds = 0;
};
using OpenHandoversByRecipient = std::map<std::string, OpenHandovers>;

struct Metrics {
  std::atomic<std::uint64_t> messages_delivered{0};
  std::atomic<std::uint64_t> messages_queued{0};
  std::atomic<std::uint64_t> messages_refused{0};
  std::atomic<std::uint64_t> messages_failed{0};
  std::atomic<std::uint64_t> audit_failures{0};
  std::atomic<std::uint64_t> strangers_throttled{0};  // no partner, over its refusal rate
  std::atomic<std::uint64_t> witness_failures{0};     // checkpoints not published to the witness
  std::atomic<std::uint64_t> io_exceptions{0};        // escaped a handler to an I/O thread
  std::atomic<std::int64_t> requests_active{0};
  ListenerMetrics partner;
  ListenerMetrics admin;
  SharedSnapshot<const OpenHandoversByRecipient> open_handovers{
      std::make_shared<const OpenHandoversByRecipient>()};

  [[nodiscard]] std::string render_prometheus() const;
};

// Counts one unit of an active gauge for the lifetime of a scope.
class GaugeScope {
 public:
  explicit GaugeScope(std::atomic<std::int64_t>& gauge) : gauge_(gauge) { ++gauge_; }
  ~GaugeScope() { --gauge_; }
  GaugeScope(const GaugeScope&) = delete;
  GaugeScope& operator=(const GaugeScope&) = delete;

 private:
  std::atomic<std::int64_t>& gauge_;
};

}  // namespace schakel::gateway
