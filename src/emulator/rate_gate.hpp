// The account quota the emulator enforces: requests and tokens per minute, enforced per second
// as DashScope does, across every connection of the server.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>

namespace rerank::emulator::detail {

/// Why a request was or was not admitted.
enum class quota_verdict {
    admitted,
    /// Over the requests limit (`Throttling.RateQuota`); checked first.
    requests_exceeded,
    /// Over the tokens limit only (`Throttling.AllocationQuota`).
    tokens_exceeded,
};

struct quota_admission {
    quota_verdict verdict = quota_verdict::admitted;
    /// When refused: how long until the same request would be admitted, if nothing else came.
    std::chrono::nanoseconds retry_after{0};
};

/// GCRA (the generic cell rate algorithm), one "theoretical arrival time" (TAT) per limit: a
/// request of cost c at a rate of r per minute moves its limit's TAT by c × 60 s / r; it is
/// admitted when the new TAT lies at most `burst` ahead of now (a request costlier than the
/// burst when the limit is idle). A burst of 1 s is DashScope's per-second enforcement of its
/// per-minute limits: at most a second's share at once, then the rate. A request must pass
/// both limits; a refused one costs nothing.
///
/// Thread-safe; `admit` takes one uncontended lock and allocates nothing.
class rate_gate {
public:
    using clock = std::chrono::steady_clock;

    /// A limit of 0 is no limit. Limits must be finite and not negative, `burst` not negative.
    rate_gate(double requests_per_minute, double tokens_per_minute,
              std::chrono::milliseconds burst) noexcept;

    /// Whether any limit is set (when not, `admit` always admits).
    bool enabled() const noexcept { return requests_.enabled() || tokens_.enabled(); }

    /// Admits (and books) or refuses one request of `tokens` tokens arriving at `now`.
    quota_admission admit(std::size_t tokens, clock::time_point now);

private:
    // One GCRA limit; times are nanoseconds on `clock`.
    class limit {
    public:
        limit(double per_minute, std::chrono::nanoseconds burst) noexcept;
        bool enabled() const noexcept { return ns_per_unit_ > 0; }
        /// The TAT after admitting `cost` at `now`, and how long until it could be admitted
        /// (0 when it can be now).
        std::int64_t next_tat(double cost, std::int64_t now, std::int64_t& wait) const noexcept;
        void book(std::int64_t tat) noexcept { tat_ = tat; }

    private:
        double ns_per_unit_;
        std::int64_t burst_;
        std::int64_t tat_ = 0;
    };

    std::mutex mutex_;
    limit requests_;
    limit tokens_;
};

} // namespace rerank::emulator::detail
