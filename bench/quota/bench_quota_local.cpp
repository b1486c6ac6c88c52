// What in-process admission costs: `local_quota_store::reserve_at` (GCRA on both limits under
// the quota's mutex), alone, with the clock read that `reserve` adds, and with two threads
// admitting into one quota; and the whole of what a request pays, `pacer::admit` and
// `on_answer` (a coroutine, an in-flight place, the reservation, the adaptive rate's
// bookkeeping). Target: < 200 ns uncontended.
//   bench_quota_local      (time per admission)
#include "client/pacer.hpp"
#include "quota/local_quota_store.hpp"

#include <benchmark/benchmark.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <cstdint>

namespace {

namespace rd = rerank::detail;

// High enough that nothing ever waits: every admission books both limits.
const rd::quota_rates fast_rates{{1e9, 1'000'000}, {1e12, 1'000'000}};
constexpr auto no_limit = std::chrono::microseconds::max();
constexpr rd::quota_cost one_request{1, 1500};

void reserve_at(benchmark::State& state) {
    rd::local_quota_store store("bench_quota_local.alone");
    std::int64_t now = 1'000'000;
    for (auto _ : state) {
        auto answer = store.reserve_at(one_request, fast_rates, no_limit, now);
        benchmark::DoNotOptimize(answer);
        now += 1;
    }
}
BENCHMARK(reserve_at);

// As `reserve` does it: with the clock read. With two threads: what the mutex costs when
// clients of one process share the quota.
void reserve_at_with_clock(benchmark::State& state) {
    static rd::local_quota_store store("bench_quota_local.clock");
    for (auto _ : state) {
        auto answer =
            store.reserve_at(one_request, fast_rates, no_limit, rd::local_quota_store::now_us());
        benchmark::DoNotOptimize(answer);
    }
}
BENCHMARK(reserve_at_with_clock);
BENCHMARK(reserve_at_with_clock)->Threads(2)->UseRealTime();

// One request's admission and answer through the pacer, on a strand as the client runs it, one
// request in flight. Configured limits (so the quota is booked) that never make it wait: GCRA
// counts in microseconds, so a rate of 1e9/s still books 1 µs per request, more than an
// admission takes; a burst of a day absorbs the difference over any run.
void pacer_admit_and_answer(benchmark::State& state) {
    namespace net = boost::asio;
    net::io_context ioc;
    const net::any_io_executor strand = net::make_strand(ioc);
    rd::pool_counters counters;
    rerank::rate_limit_options options;
    options.requests_per_minute = 6e10;
    options.tokens_per_minute = 6e13;
    options.burst = std::chrono::hours(24);
    rd::pacer pacer(strand, options, 8, "bench_quota_local.pacer", counters);
    rd::call_control control;
    rerank::diagnostics diag;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::hours(1);
    net::co_spawn(
        strand,
        [&]() -> net::awaitable<void> {
            for (auto _ : state) {
                rd::admission_ticket ticket;
                const auto ec = co_await pacer.admit(control, one_request, deadline, diag, ticket);
                benchmark::DoNotOptimize(ec);
                pacer.on_answer(ticket, rd::attempt_class::succeeded, diag);
            }
        },
        net::detached);
    ioc.run();
}
BENCHMARK(pacer_admit_and_answer);

} // namespace

BENCHMARK_MAIN();
