// GCRA arithmetic, one limit at a time: pure functions on microsecond times of any clock (the
// in-process store's steady clock, or Redis's TIME). The Redis store's Lua script computes the
// same formulas; test/quota (redis_script_test) checks both against each other.
#pragma once

#include <cstdint>

namespace rerank::detail {

/// One limit: `units_per_second` (0: unlimited) and the burst window in microseconds (how far
/// ahead of now the limit's TAT may run before a request has to wait).
struct gcra_limit {
    double units_per_second = 0;
    std::int64_t burst_us = 1'000'000;

    bool unlimited() const noexcept { return units_per_second <= 0; }
};

/// A limit's state: its theoretical arrival time, in microseconds.
struct gcra_state {
    std::int64_t tat_us = 0;
};

/// The time `cost` units take at the limit's rate, in microseconds (0 when unlimited).
std::int64_t gcra_increment(const gcra_limit& limit, double cost) noexcept;

/// The earliest time (>= `now_us`) at which `cost` units fit under `limit`.
std::int64_t gcra_earliest(const gcra_state& state, const gcra_limit& limit, double cost,
                           std::int64_t now_us) noexcept;

/// Books `cost` units at `slot_us` (at or after `gcra_earliest` of every limit the request
/// is under).
void gcra_book(gcra_state& state, const gcra_limit& limit, double cost,
               std::int64_t slot_us) noexcept;

} // namespace rerank::detail
