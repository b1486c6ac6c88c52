// Counters of the client's connection pools.
#pragma once

#include <rerank/cache_stats.hpp>

#include <cstdint>

namespace rerank {

/// A snapshot of `client::stats()`. Gauges describe the moment of the call; counters grow
/// from the client's construction.
struct pool_stats {
    // Gauges.
    std::uint64_t open = 0;   ///< connections open (idle + in use + connecting)
    std::uint64_t idle = 0;   ///< connections waiting in the pool for a call
    std::uint64_t in_use = 0; ///< connections carrying an exchange (or connecting for a call)
    /// requests queued for a connection: in the pool, or for one of the in-flight places of the
    /// pacer (`in_flight_limit`), which is at most the pool's connection limit
    std::uint64_t waiting = 0;
    // Counters.
    std::uint64_t connections_created = 0; ///< successful connects (TCP, and TLS if https)
    std::uint64_t connections_reused = 0;  ///< exchanges that took an idle connection
    std::uint64_t closed_by_peer = 0;      ///< idle connections found closed by the server
    std::uint64_t handshakes_full = 0;     ///< TLS handshakes without session resumption
    std::uint64_t handshakes_resumed = 0;  ///< TLS handshakes that resumed a session
    std::uint64_t attempts = 0;            ///< HTTP exchanges begun
    std::uint64_t retries = 0;             ///< attempts after the first of their call
    std::uint64_t throttled = 0; ///< throttling answers (HTTP 429 not about billing) received
    std::uint64_t admissions_waited = 0; ///< requests the pacer made wait before sending
    std::uint64_t admission_wait_us = 0; ///< their total wait, in microseconds
    /// requests the server refused as too large that were sent again split (by the limit the
    /// refusal stated, else in halves)
    std::uint64_t refused_splits = 0;
    /// limits adopted from the server's refusals (a lower document or token cap for a model;
    /// see `client::limits_for`)
    std::uint64_t limits_learned = 0;
    // Gauges of the adaptive rate (`rate_limit_options::adaptive`).
    /// Requests per minute the pacer admits now; 0 while unlimited.
    double admission_rate_per_minute = 0;
    /// Requests the pacer lets be in flight at once now.
    std::uint64_t in_flight_limit = 0;
    /// The score cache's counters (`client_options::cache`; all zero without one). A cache
    /// shared by several clients counts for them all.
    cache_stats cache;
};

} // namespace rerank
