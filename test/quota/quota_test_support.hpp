// What the Redis quota tests share: a fixture with its own redis-server, options, rates, and a
// reservation timed on the test's clock.
#pragma once

#include "support/redis_server.hpp"

#include "quota/quota_store.hpp"
#include "support/io_fixture.hpp"

#include <rerank/rate_limit_options.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>

namespace rerank::test {

using namespace std::chrono_literals;

/// Each test case gets a fresh, empty redis-server and an io_context.
struct redis_fixture : io_fixture {
    redis_server redis;
};

/// The store's options for `url`: the defaults (250 ms command timeout), a short reconnection
/// backoff so that tests see Redis come back quickly.
inline redis_quota_options quota_options(const std::string& url) {
    redis_quota_options options;
    options.url = url;
    options.max_reconnect_backoff = 200ms;
    return options;
}

/// One request per second, burst one second: the first goes at once, the next one second later.
inline const detail::quota_rates one_per_second{{1, 1'000'000}, {}};

inline constexpr std::chrono::microseconds no_max_wait = std::chrono::microseconds::max();

struct timed_reservation {
    detail::quota_reservation answer;
    std::chrono::steady_clock::duration took;
};

/// Reserves one request and measures how long the store took to answer.
inline boost::asio::awaitable<timed_reservation>
timed_reserve(detail::quota_store& store, const detail::quota_rates& rates,
              std::chrono::microseconds max_wait = no_max_wait) {
    const auto start = std::chrono::steady_clock::now();
    auto answer = co_await store.reserve({}, rates, max_wait);
    co_return timed_reservation{std::move(answer), std::chrono::steady_clock::now() - start};
}

} // namespace rerank::test
