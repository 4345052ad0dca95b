// Shedding connections that have not authenticated: the oldest of an address
// past its cap, the oldest overall past the total, never one that released.
#include "gateway/unauthenticated_connections.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

namespace schakel::gateway {
namespace {

// One end of a socket pair stands for the gateway's socket; the other tells
// whether it was shut down (a read returns 0 at once).
struct Pair {
  int ours = -1;
  int theirs = -1;
  Pair() {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    ours = fds[0];
    theirs = fds[1];
  }
  ~Pair() {
    ::close(ours);
    ::close(theirs);
  }
  [[nodiscard]] bool shut_down() const {
    char byte = 0;
    return ::recv(theirs, &byte, 1, 0) == 0;
  }
};

TEST(UnauthenticatedConnections, ShedsTheOldestOfAnAddressPastItsCap) {
  UnauthenticatedConnections connections(10, 2);
  std::vector<Pair> pairs(4);
  std::vector<UnauthenticatedConnections::Ticket> tickets;
  std::size_t shed = 0;
  tickets.push_back(connections.admit("10.0.0.1", pairs[0].ours, shed));
  tickets.push_back(connections.admit("10.0.0.2", pairs[1].ours, shed));
  tickets.push_back(connections.admit("10.0.0.1", pairs[2].ours, shed));
  EXPECT_EQ(shed, 0u);
  tickets.push_back(connections.admit("10.0.0.1", pairs[3].ours, shed));
  EXPECT_EQ(shed, 1u);
  EXPECT_TRUE(pairs[0].shut_down()) << "the oldest of 10.0.0.1";
  EXPECT_FALSE(pairs[1].shut_down()) << "another address keeps its connection";
  EXPECT_FALSE(pairs[2].shut_down());
  EXPECT_FALSE(pairs[3].shut_down());
  EXPECT_EQ(connections.size(), 3u);
}

TEST(UnauthenticatedConnections, ShedsTheOldestOverallPastTheTotal) {
  UnauthenticatedConnections connections(3, 3);
  std::vector<Pair> pairs(4);
  std::vector<UnauthenticatedConnections::Ticket> tickets;
  std::size_t shed = 0;
  for (int i = 0; i < 4; ++i) {
    tickets.push_back(connections.admit("10.0.0." + std::to_string(i), pairs[i].ours, shed));
  }
  EXPECT_EQ(shed, 1u);
  EXPECT_TRUE(pairs[0].shut_down());
  EXPECT_FALSE(pairs[3].shut_down());
  EXPECT_TRUE(connections.shed_oldest());
  EXPECT_TRUE(pairs[1].shut_down());
  EXPECT_EQ(connections.size(), 2u);
}

TEST(UnauthenticatedConnections, AReleasedConnectionIsNeverShed) {
  UnauthenticatedConnections connections(2, 2);
  Pair partner;
  Pair stranger;
  std::size_t shed = 0;
  auto partner_ticket = connections.admit("10.0.0.1", partner.ours, shed);
  auto stranger_ticket = connections.admit("10.0.0.1", stranger.ours, shed);
  EXPECT_TRUE(partner_ticket.release()) << "authenticated while still registered";
  EXPECT_TRUE(connections.shed_oldest());
  EXPECT_TRUE(stranger.shut_down());
  EXPECT_FALSE(partner.shut_down());
  EXPECT_FALSE(connections.shed_oldest()) << "nothing left to shed";
  EXPECT_FALSE(stranger_ticket.release()) << "shed before: not a failed handshake";
  EXPECT_EQ(connections.size(), 0u);
}

}  // namespace
}  // namespace schakel::gateway
