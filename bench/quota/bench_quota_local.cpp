// What in-process admission costs: `local_quota_store::reserve_at` (GCRA on both limits under
// the quota's mutex), alone, with the clock read that `reserve` adds, and with two threads
// admitting into one quota. Target: < 200 ns uncontended.
//   bench_quota_local      (time per admission)
#include "quota/local_quota_store.hpp"

#include <benchmark/benchmark.h>

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

} // namespace

BENCHMARK_MAIN();
