#include "gateway/unauthenticated_connections.hpp"

#include <sys/socket.h>

namespace schakel::gateway {

bool UnauthenticatedConnections::Ticket::release() {
  const bool registered = owner_ && owner_->remove(id_);
  owner_ = nullptr;
  return registered;
}

UnauthenticatedConnections::UnauthenticatedConnections(std::size_t max_total,
                                                       std::size_t max_per_address)
    : max_total_(max_total), max_per_address_(max_per_address) {}

UnauthenticatedConnections::Ticket UnauthenticatedConnections::admit(const std::string& address,
                                                                     int socket_fd,
                                                                     std::size_t& shed) {
  std::lock_guard lock(mutex_);
  shed = 0;
  if (per_address_[address] >= max_per_address_) {
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->second.address == address) {
        shed_locked(it);
        ++shed;
        break;
      }
    }
  }
  if (entries_.size() >= max_total_ && !entries_.empty()) {
    shed_locked(entries_.begin());
    ++shed;
  }
  const std::uint64_t id = next_id_++;
  entries_.emplace(id, Entry{address, socket_fd});
  ++per_address_[address];
  return Ticket(this, id);
}

bool UnauthenticatedConnections::shed_oldest() {
  std::lock_guard lock(mutex_);
  if (entries_.empty()) return false;
  shed_locked(entries_.begin());
  return true;
}

std::size_t UnauthenticatedConnections::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

bool UnauthenticatedConnections::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return false;
  if (--per_address_[it->second.address] == 0) per_address_.erase(it->second.address);
  entries_.erase(it);
  return true;
}

// Under the lock, so the descriptor is still the connection's own: its
// Ticket (which removes the entry under this lock) goes before the socket closes.
void UnauthenticatedConnections::shed_locked(std::map<std::uint64_t, Entry>::iterator entry) {
  ::shutdown(entry->second.socket_fd, SHUT_RDWR);
  if (--per_address_[entry->second.address] == 0) per_address_.erase(entry->second.address);
  entries_.erase(entry);
}

}  // namespace schakel::gateway
