// The quota shared by many processes through Redis.
#pragma once

#include "quota/quota_store.hpp"
#include "quota/redis_url.hpp"

#include <rerank/diagnostics.hpp>
#include <rerank/rate_limit_options.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <string>

namespace rerank::detail {

struct redis_store_state;

/// Checks the numbers of `options`: `errc::invalid_request` (with `diag.client_message` saying
/// which) for a `local_share` outside (0, 1], or a `command_timeout` or `max_reconnect_backoff`
/// that is not positive.
error_code check_redis_quota_numbers(const redis_quota_options& options, diagnostics& diag);

/// `check_redis_quota_numbers`, then parses the URL into `out`: `errc::invalid_request` (with
/// `diag.client_message` saying why, never showing the password) for a bad URL too.
error_code parse_redis_quota_options(const redis_quota_options& options, redis_endpoint& out,
                                     diagnostics& diag);

/// The quota `name` kept in Redis (keys `rerank:quota:<name>:requests`, `:tokens`,
/// `:throttles`) and shared by every process naming it. A reservation is one round trip: the
/// admission script (redis_scripts.hpp) books the slot atomically on Redis's clock.
///
/// While Redis does not answer (down, unreachable, slower than `command_timeout`: the connection
/// is then given up and made again with backoff), reservations are answered at once by a local
/// store (`redis-fallback:<name>`, shared by this process's stores of that name) at
/// `local_share` of the rates, with `shared = false` and a note saying why; or, with
/// `quota_store_failure::fail`, they fail with `errc::quota_store_unavailable` and that note.
/// No reservation waits for Redis much more than one command timeout (two after a NOSCRIPT).
/// `throttle_events` only grows, although Redis's count restarts from 0 with Redis: each rise
/// of Redis's count or of the fallback's is added.
///
/// Threading: construction, `reserve`, `record_throttle` and `close` on `ex` (the client's
/// strand), which may be run by several threads. The destructor may run on any thread: it
/// hands the closing to `ex`.
/// Lifetime: reservations in progress hold the store's shared state; `close()` (or the
/// destructor) ends the connection loop, and they complete as if Redis had failed.
class redis_quota_store final : public quota_store {
public:
    /// Connects at once. Throws `error_with_diagnostics` (`errc::invalid_request`) when
    /// `parse_redis_quota_options` refuses `options`.
    redis_quota_store(boost::asio::any_io_executor ex, const redis_quota_options& options,
                      const std::string& name);
    ~redis_quota_store() override;
    redis_quota_store(const redis_quota_store&) = delete;
    redis_quota_store& operator=(const redis_quota_store&) = delete;

    boost::asio::awaitable<quota_reservation> reserve(quota_cost cost, quota_rates rates,
                                                      std::chrono::microseconds max_wait) override;
    boost::asio::awaitable<void> record_throttle() override;

    /// Ends the connection to Redis for good; later reservations use the fallback (or fail).
    /// Idempotent.
    void close();

private:
    std::shared_ptr<redis_store_state> state_;
};

} // namespace rerank::detail
