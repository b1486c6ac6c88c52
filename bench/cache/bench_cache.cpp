// What the score cache costs on its hit path (CPU time per call):
//   full_hit_call/100   a 100-document call (500 B each) whose every score is cached, through
//                       the public client end to end: async_rerank on an io_context, lookup,
//                       ranking, completion. Nothing is sent (checked: response::requests == 0).
//                       Target: < 20 us.
//   lookup/100          the same call's keys and lookups alone (cache::call_lookup::run).
//   lookup_and_rank/100 lookups and the ranking (sort, top_n) without the client around them.
// The cache is filled by one real call to the in-process emulator (plain HTTP) before timing.
#include "cache/call_lookup.hpp"
#include "workload.hpp"

#include <rerank/client.hpp>
#include <rerank/emulator/server.hpp>
#include <rerank/score_cache.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>
#include <string>

namespace {

namespace net = boost::asio;

rerank::emulator::server& emulator() {
    static const std::unique_ptr<rerank::emulator::server> server = [] {
        rerank::emulator::options opts;
        opts.scoring = rerank::emulator::scoring::independent;
        auto s = std::make_unique<rerank::emulator::server>(opts);
        s->start();
        return s;
    }();
    return *server;
}

// `n` documents of `bytes` bytes, as rerank-bench makes them.
rerank::request make_request(std::size_t n, std::size_t bytes) {
    return rerank::bench::make_request(n, bytes, 32, std::nullopt);
}

void full_hit_call(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    net::io_context ioc;
    rerank::client_options opts;
    opts.base_url = emulator().base_url();
    opts.api_key = emulator().options().api_key;
    opts.cache = std::make_shared<rerank::score_cache>();
    rerank::client client(ioc.get_executor(), opts);
    const rerank::request req = make_request(n, 500);
    std::string failure;
    net::co_spawn(
        ioc,
        [&]() -> net::awaitable<void> {
            const rerank::response warm = co_await client.rerank(req);
            if (warm.requests != 1) {
                failure = "the warm-up call sent no request";
                co_return;
            }
            for (auto _ : state) {
                const rerank::response res = co_await client.rerank(req);
                if (res.requests != 0 || res.cached != n) {
                    failure = "a call was not answered wholly from the cache";
                    co_return;
                }
                benchmark::DoNotOptimize(res.results.data());
            }
        },
        [&](std::exception_ptr e) {
            if (e)
                failure = "the call failed";
        });
    ioc.run();
    if (!failure.empty())
        state.SkipWithError(failure.c_str());
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(full_hit_call)->Arg(100);

// A cache state holding every document of `req`.
std::unique_ptr<rerank::detail::score_cache_state> filled(const rerank::request& req,
                                                          const rerank::cache::key_fields& fields) {
    auto cache = std::make_unique<rerank::detail::score_cache_state>(rerank::cache_options{});
    rerank::cache::call_lookup first;
    const auto now = std::chrono::steady_clock::now();
    first.run(*cache, fields, req, now);
    std::vector<rerank::result> fresh;
    for (std::size_t i = 0; i < req.documents.size(); ++i)
        fresh.push_back({i, 1.0 / double(i + 1), {}});
    first.store(*cache, fresh, now);
    return cache;
}

void lookup(benchmark::State& state, bool rank) {
    const auto n = static_cast<std::size_t>(state.range(0));
    rerank::request req = make_request(n, 500);
    req.top_n = 10;
    rerank::cache::key_fields fields;
    fields.base_url = "https://dashscope-intl.aliyuncs.com/compatible-api/v1";
    fields.model = "qwen3-rerank";
    fields.query = req.query;
    const auto cache = filled(req, fields);
    rerank::cache::call_lookup lookup;
    std::vector<rerank::result> ranked;
    for (auto _ : state) {
        lookup.run(*cache, fields, req, std::chrono::steady_clock::now());
        if (rank)
            lookup.rank(req, {}, ranked);
        benchmark::DoNotOptimize(lookup.hits());
    }
    if (lookup.hits() != n)
        state.SkipWithError("not every document was a hit");
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK_CAPTURE(lookup, lookup, false)->Arg(100);
BENCHMARK_CAPTURE(lookup, lookup_and_rank, true)->Arg(100);

} // namespace

BENCHMARK_MAIN();
