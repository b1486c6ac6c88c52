// Where the pacer's GCRA state lives: in this process, or in a store shared by many processes.
#pragma once

#include "quota/gcra.hpp"

#include <rerank/error.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace rerank::detail {

/// What one HTTP request costs against the quota.
struct quota_cost {
    double requests = 1;
    /// The planner's count, by the API's formula (query_tokens × documents + Σ document_tokens).
    double tokens = 0;
};

/// The limits a reservation is made under: the configured ones, as the adaptive rate has cut
/// them. An unlimited limit (rate 0) is not booked.
struct quota_rates {
    gcra_limit requests;
    gcra_limit tokens;
};

/// The answer to a reservation.
struct quota_reservation {
    /// Set only when the store failed and the options say to fail (`quota_store_unavailable`).
    error_code ec;
    /// How long until the request's slot; it is sent after it. 0: go now.
    std::chrono::microseconds wait{0};
    /// Whether the slot was booked: false when `wait` exceeded the reservation's `max_wait`
    /// (the request would miss its deadline: it fails, and the quota is left for others).
    bool booked = true;
    /// Throttling answers recorded by every process sharing the quota, ever (a count that
    /// only grows): a rise since the last reservation means another process was throttled,
    /// and this one cuts its rate as if it had been.
    std::uint64_t throttle_events = 0;
    /// False when a shared store did not answer and the request was admitted by the local
    /// fallback (`quota_store_failure::local`); `note` then says so, for the diagnostics.
    bool shared = true;
    std::string note;
};

/// Books requests against a quota. Called on the client's strand; implementations never block
/// the thread (a shared store waits for its server asynchronously, within its command timeout).
class quota_store {
public:
    virtual ~quota_store() = default;

    /// Books `cost` under `rates` at the earliest slot both limits allow (FIFO: a later
    /// reservation never gets an earlier slot under the same rates), unless that slot is more
    /// than `max_wait` away: then nothing is booked and the answer says how long it would be.
    virtual boost::asio::awaitable<quota_reservation>
    reserve(quota_cost cost, quota_rates rates, std::chrono::microseconds max_wait) = 0;

    /// Records that the server throttled a request (a throttling 429), so that every process
    /// sharing the quota slows down; raises `throttle_events`.
    virtual boost::asio::awaitable<void> record_throttle() = 0;
};

} // namespace rerank::detail
