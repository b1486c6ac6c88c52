// Counters of a client's pool and attempts, readable from any thread.
#pragma once

#include <rerank/pool_stats.hpp>

#include <atomic>
#include <cstdint>

namespace rerank::detail {

/// Written on the client's strand, read anywhere (`client::stats()`), hence relaxed atomics.
struct pool_counters {
    std::atomic<std::uint64_t> open{0}, idle{0}, in_use{0}, waiting{0};
    /// Requests queued for one of the pacer's in-flight places (a limit of at most the pool's
    /// connections: they are queued for a connection too).
    std::atomic<std::uint64_t> waiting_for_place{0};
    std::atomic<std::uint64_t> created{0}, reused{0}, closed_by_peer{0};
    std::atomic<std::uint64_t> handshakes_full{0}, handshakes_resumed{0};
    std::atomic<std::uint64_t> attempts{0}, retries{0};
    std::atomic<std::uint64_t> throttled{0}, admissions_waited{0}, admission_wait_us{0};
    std::atomic<double> admission_rate_per_minute{0};
    std::atomic<std::uint64_t> in_flight_limit{0};
    std::atomic<std::uint64_t> refused_splits{0}, limits_learned{0};

    static void add(std::atomic<std::uint64_t>& counter, std::int64_t delta = 1) noexcept {
        counter.fetch_add(static_cast<std::uint64_t>(delta), std::memory_order_relaxed);
    }
    static void set(std::atomic<std::uint64_t>& gauge, std::uint64_t value) noexcept {
        gauge.store(value, std::memory_order_relaxed);
    }

    pool_stats snapshot() const noexcept {
        auto get = [](const std::atomic<std::uint64_t>& c) {
            return c.load(std::memory_order_relaxed);
        };
        pool_stats s;
        s.open = get(open);
        s.idle = get(idle);
        s.in_use = get(in_use);
        s.waiting = get(waiting) + get(waiting_for_place);
        s.connections_created = get(created);
        s.connections_reused = get(reused);
        s.closed_by_peer = get(closed_by_peer);
        s.handshakes_full = get(handshakes_full);
        s.handshakes_resumed = get(handshakes_resumed);
        s.attempts = get(attempts);
        s.retries = get(retries);
        s.throttled = get(throttled);
        s.admissions_waited = get(admissions_waited);
        s.admission_wait_us = get(admission_wait_us);
        s.admission_rate_per_minute = admission_rate_per_minute.load(std::memory_order_relaxed);
        s.in_flight_limit = get(in_flight_limit);
        s.refused_splits = get(refused_splits);
        s.limits_learned = get(limits_learned);
        return s;
    }
};

} // namespace rerank::detail
