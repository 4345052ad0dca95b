#pragma once
// Connections that have not authenticated yet (TCP accepted, TLS handshake
// not finished; on a plain-HTTP listener every connection, all its life),
// tracked so they can be shed before anyone else: anyone on the network can
// open them, while a partner's connection leaves this set within
// milliseconds of arriving. admit() registers one; past the
// per-address cap the oldest connection of that address is shed, past the
// total cap the oldest overall. Shedding shuts the socket down
// (shutdown(2), from any thread), which ends the connection's pending
// handshake; its owner then closes it. A Ticket removes its connection when
// destroyed or released — it must go before its socket is closed, so that a
// shutdown never reaches a reused descriptor. Thread-safe.
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace schakel::gateway {

class UnauthenticatedConnections {
 public:
  class Ticket {
   public:
    Ticket() = default;
    Ticket(UnauthenticatedConnections* owner, std::uint64_t id) : owner_(owner), id_(id) {}
    Ticket(Ticket&& other) noexcept : owner_(other.owner_), id_(other.id_) {
      other.owner_ = nullptr;
    }
    Ticket& operator=(Ticket&&) = delete;
    Ticket(const Ticket&) = delete;
    ~Ticket() { release(); }
    // The connection authenticated (or is closing): it is no longer shed.
    // Whether it was still registered: false once it was shed (or released).
    bool release();

   private:
    UnauthenticatedConnections* owner_ = nullptr;
    std::uint64_t id_ = 0;
  };

  UnauthenticatedConnections(std::size_t max_total, std::size_t max_per_address);

  // Registers `socket_fd` from `address`; sheds what the caps require. Returns
  // how many connections were shed (for the metrics).
  [[nodiscard]] Ticket admit(const std::string& address, int socket_fd, std::size_t& shed);
  // Sheds the oldest unauthenticated connection, if any: room for a newcomer at the total cap.
  [[nodiscard]] bool shed_oldest();
  [[nodiscard]] std::size_t size() const;

 private:
  struct Entry {
    std::string address;
    int socket_fd;
  };
  bool remove(std::uint64_t id);
  void shed_locked(std::map<std::uint64_t, Entry>::iterator entry);

  const std::size_t max_total_;
  const std::size_t max_per_address_;
  mutable std::mutex mutex_;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, Entry> entries_;  // by id: oldest first
  std::map<std::string, std::size_t> per_address_;
};

}  // namespace schakel::gateway
