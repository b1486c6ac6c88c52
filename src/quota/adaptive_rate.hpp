// The adaptive half of the pacer: it finds the rate a server really accepts (AIMD, as TCP finds
// a path's capacity). Pure: no clock of its own (times are microseconds given by the caller),
// no I/O, tested on a fake clock.
#pragma once

#include "quota/quota_store.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace rerank::detail {

/// What was accepted lately: units per second over the last second, in ten 100 ms buckets
/// (the server enforces its limits per second, so its last second is what it allows).
class recent_rate {
public:
    void add(std::int64_t now_us, double units) noexcept;
    /// Units added during the second before `now_us`.
    double last_second(std::int64_t now_us) const noexcept;

private:
    static constexpr std::int64_t bucket_us = 100'000;
    static constexpr std::int64_t slots = 10;
    static std::size_t slot(std::int64_t bucket) noexcept {
        return static_cast<std::size_t>(((bucket % slots) + slots) % slots);
    }
    void advance(std::int64_t now_us) noexcept;
    std::array<double, slots> buckets_{};
    std::int64_t head_ = 0; ///< the bucket number (time / bucket_us) of the newest bucket
};

/// Which limit a throttling answer was about.
enum class throttle_kind : std::uint8_t {
    requests, ///< `Throttling.RateQuota`, a burst refusal, or a 429 that does not say
    tokens,   ///< `Throttling.AllocationQuota`
};

/// The configuration the adaptive rate starts from.
struct adaptive_rate_config {
    /// Configured limits (0: none).
    double requests_per_second = 0;
    double tokens_per_second = 0;
    /// The configured limits' burst window.
    std::int64_t burst_us = 1'000'000;
    /// Requests in flight at most (the pool's connections).
    unsigned max_in_flight = 1;
    /// Whether throttling answers cut the rates (`rate_limit_options::adaptive`); when false
    /// the configured limits hold as they are.
    bool adaptive = true;
};

/// AIMD on the admission rate and the in-flight limit.
///
/// - A throttling answer cuts the limit it was about to 90 % of the lower of its rate and the
///   rate accepted over the last second (the server's own per-second window), or to half its
///   rate when nothing was accepted lately; and halves the in-flight limit (never below 1). Answers
///   to requests sent before the last cut belong to the same congestion event and do not cut again.
/// - Each accepted request raises the request rate by 0.05 requests/s (so the rate grows by
///   about 5 % per second: a server at 12 requests/s is probed again after about 2 s) and the
///   token rate in proportion; the in-flight limit grows by 1/limit. Neither passes the
///   configured limit nor `max_in_flight`.
/// - A cut limit paces evenly: its burst is one request's interval, not the configured burst,
///   so that the first requests after a cut do not meet an exhausted server window at once.
class adaptive_rate {
public:
    explicit adaptive_rate(const adaptive_rate_config& config) noexcept;

    /// The rates a reservation is made under now.
    quota_rates rates() const noexcept;
    /// Whether any rate applies (a configured limit, or one found by a cut): when not, a
    /// request needs no reservation at all.
    bool paced() const noexcept { return requests_.rate > 0 || tokens_.rate > 0; }
    /// Requests allowed in flight at once now.
    unsigned in_flight_limit() const noexcept;
    /// Requests per second admitted now; 0 while unlimited.
    double requests_per_second() const noexcept { return requests_.rate; }

    /// A request of `tokens` tokens was accepted.
    void on_success(std::int64_t now_us, double tokens) noexcept;
    /// A request sent at `sent_us` was throttled. Returns whether this cut the rates (false
    /// when it belongs to a congestion event already answered, or when not adaptive).
    bool on_throttled(std::int64_t now_us, std::int64_t sent_us, throttle_kind kind) noexcept;
    /// Another process sharing the quota was throttled: cut as if this one had been, at most
    /// once per second.
    bool on_remote_throttle(std::int64_t now_us) noexcept;

    static constexpr double cut_to_accepted = 0.9;
    static constexpr double requests_per_success = 0.05;
    /// The lowest rate a cut reaches: one request a minute.
    static constexpr double min_requests_per_second = 1.0 / 60;

private:
    struct limit {
        double configured = 0; ///< 0: none
        double rate = 0;       ///< 0: unlimited
        bool cut = false;      ///< below the configured limit (or finite without one)
        recent_rate accepted;
    };
    void cut(limit& l, double floor, std::int64_t now_us) noexcept;

    adaptive_rate_config config_;
    limit requests_;
    limit tokens_;
    double in_flight_ = 1;
    /// When the last cut happened; far in the past before the first.
    std::int64_t last_cut_us_ = -(std::int64_t(1) << 62);
};

} // namespace rerank::detail
