// What the shared quota runs in Redis: the admission of one request (one Lua script, atomic, with
// the formulas of gcra.cpp on Redis's own clock) and the count of throttling answers.
#pragma once

#include "quota/quota_store.hpp"
#include "quota/redis_protocol.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rerank::detail {

/// A Lua script, known to Redis by its SHA1 once loaded (EVAL loads it, EVALSHA runs it).
struct redis_script {
    std::string_view source;
    std::string sha1; ///< hex
};

/// The admission script. KEYS: the requests' TAT, the tokens' TAT, the throttle count. ARGV:
/// rate (units per second, 0: unlimited), cost and burst (µs) of requests, then of tokens; the
/// maximal wait (µs); optionally the time to use instead of Redis's TIME (µs). For each limit
/// that is not unlimited it computes the earliest slot as `gcra_earliest` does; if the later of
/// the two is more than the maximal wait away it books nothing, else it books it in both as
/// `gcra_book` does and sets each key's TTL (until a few burst windows past its TAT, at least
/// 60 s). Answers {wait µs, booked 0/1, throttle count}. Times are integer microseconds, exact
/// in Lua's doubles below 2^53.
const redis_script& admission_script();

/// The throttle count: INCR, and a TTL of 24 hours from the last throttling answer (after which
/// it starts again from 0). Answers the new count.
const redis_script& throttle_script();

/// A quota's keys in Redis: `rerank:quota:<name>:requests`, `:tokens`, `:throttles`.
struct redis_quota_keys {
    explicit redis_quota_keys(const std::string& quota_name);
    std::string requests;
    std::string tokens;
    std::string throttles;
};

/// EVALSHA of the admission script (or EVAL, `by_source`, after a NOSCRIPT) for `cost` under
/// `rates`, booked only within `max_wait`. `now_us` replaces Redis's TIME: tests compare the
/// script with gcra.cpp at times they choose; the store never sets it.
redis_command admission_command(const redis_quota_keys& keys, const quota_cost& cost,
                                const quota_rates& rates, std::chrono::microseconds max_wait,
                                bool by_source, std::optional<std::int64_t> now_us = {});

/// EVALSHA (or EVAL) of the throttle script.
redis_command throttle_command(const redis_quota_keys& keys, bool by_source);

/// Reads the admission script's answer into `out` (`wait`, `booked`, `throttle_events`). False
/// when `reply` is anything else.
bool read_admission_reply(const redisReply& reply, quota_reservation& out);

/// Whether `reply` says that Redis does not know the script (EVALSHA before EVAL, or after
/// SCRIPT FLUSH or a restart): then run it with EVAL.
bool is_unknown_script(const redisReply& reply);

} // namespace rerank::detail
