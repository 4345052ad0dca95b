#pragma once
// Work several gateways share (issue 17: the region's state in PostgreSQL):
// what one instance takes to do — a queued message to deliver, a
// notification to send, a held record to replay — is claimed when taken, in
// the transaction that reads it, for this long, so that no other instance
// takes it meanwhile. The work's own outcome (delivered, retry_at, settled)
// then replaces the claim; an instance that dies while working leaves the
// claim to expire, and another takes the work after it: at least once.
#include <cstdint>
#include <expected>
#include <string>

namespace schakel::region {

struct SharedDatabase;

// Longer than a courier's or notifier's round takes at the default timeouts
// (16 deliveries or 32 notifications of at most upstream_connect +
// upstream_response = 15 s each); work running longer may be taken by
// another instance as well — at least once, under the same transaction id.
inline constexpr std::int64_t kClaimSeconds = 600;

// The embedded store at a start: its one process is gone, so every claim it
// held is released — a queued message or a notification due further ahead
// than any backoff (at most 300 s) is due now. Not for PostgreSQL, whose
// claims may be live instances'.
[[nodiscard]] std::expected<void, std::string> release_claims(SharedDatabase& shared,
                                                              std::int64_t now_unix);

}  // namespace schakel::region
