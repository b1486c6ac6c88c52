#include "quota/gcra.hpp"

#include <algorithm>
#include <cmath>

namespace rerank::detail {

std::int64_t gcra_increment(const gcra_limit& limit, double cost) noexcept {
    if (limit.unlimited() || cost <= 0)
        return 0;
    return static_cast<std::int64_t>(std::ceil(cost * 1e6 / limit.units_per_second));
}

std::int64_t gcra_earliest(const gcra_state& state, const gcra_limit& limit, double cost,
                           std::int64_t now_us) noexcept {
    if (limit.unlimited())
        return now_us;
    // Allowed at t when max(tat, t) + increment - t <= burst. A cost larger than the burst
    // cannot satisfy that: it goes when the limit has caught up (t >= tat) instead.
    const std::int64_t slack =
        std::max<std::int64_t>(0, limit.burst_us - gcra_increment(limit, cost));
    return std::max(now_us, state.tat_us - slack);
}

void gcra_book(gcra_state& state, const gcra_limit& limit, double cost,
               std::int64_t slot_us) noexcept {
    if (limit.unlimited())
        return;
    state.tat_us = std::max(state.tat_us, slot_us) + gcra_increment(limit, cost);
}

} // namespace rerank::detail
