#include "emulator/rate_gate.hpp"

#include <algorithm>
#include <cmath>

namespace rerank::emulator::detail {
namespace {

constexpr double ns_per_minute = 60e9;

std::int64_t nanoseconds_since_epoch(rate_gate::clock::time_point t) noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

} // namespace

rate_gate::limit::limit(double per_minute, std::chrono::nanoseconds burst) noexcept
    : ns_per_unit_(per_minute > 0 ? ns_per_minute / per_minute : 0)
    , burst_(burst.count()) {}

std::int64_t rate_gate::limit::next_tat(double cost, std::int64_t now,
                                        std::int64_t& wait) const noexcept {
    const auto increment = static_cast<std::int64_t>(std::ceil(cost * ns_per_unit_));
    const std::int64_t start = std::max(tat_, now);
    const std::int64_t tat = start + increment;
    if (increment > burst_)
        wait = tat_ - now; // goes only when the limit is idle
    else
        wait = tat - burst_ - now;
    wait = std::max<std::int64_t>(wait, 0);
    return tat;
}

rate_gate::rate_gate(double requests_per_minute, double tokens_per_minute,
                     std::chrono::milliseconds burst) noexcept
    : requests_(requests_per_minute, burst)
    , tokens_(tokens_per_minute, burst) {}

quota_admission rate_gate::admit(std::size_t tokens, clock::time_point now) {
    const std::int64_t t = nanoseconds_since_epoch(now);
    std::int64_t requests_wait = 0;
    std::int64_t tokens_wait = 0;
    std::lock_guard lock(mutex_);
    const std::int64_t requests_tat =
        requests_.enabled() ? requests_.next_tat(1, t, requests_wait) : 0;
    const std::int64_t tokens_tat =
        tokens_.enabled() ? tokens_.next_tat(static_cast<double>(tokens), t, tokens_wait) : 0;
    if (requests_wait == 0 && tokens_wait == 0) {
        if (requests_.enabled())
            requests_.book(requests_tat);
        if (tokens_.enabled())
            tokens_.book(tokens_tat);
        return {};
    }
    return {requests_wait > 0 ? quota_verdict::requests_exceeded : quota_verdict::tokens_exceeded,
            std::chrono::nanoseconds(std::max(requests_wait, tokens_wait))};
}

} // namespace rerank::emulator::detail
