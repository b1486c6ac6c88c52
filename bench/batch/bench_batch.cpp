// Cost of planning and merging a large call: 20,000 passages of ~1 KB.
//   bench_batch --benchmark_filter=plan   (ns_per_doc: CPU time per document planned)
#include "batch/merge.hpp"

#include <rerank/batch_plan.hpp>

#include <benchmark/benchmark.h>

#include <random>
#include <string>

namespace {

// ~1 KB passages of English-like words, with quotes now and then.
rerank::request passages(std::size_t n, std::size_t bytes) {
    static constexpr const char* words[] = {
        "the",      "rerank", "model",   "scores", "each",      "document", "against", "a",
        "query",    "and",    "returns", "them",   "ordered",   "by",       "their",   "relevance",
        "limits",   "apply",  "to",      "every",  "request",   "tokens",   "counted", "\"quoted\"",
        "passages", "of",     "text",    "from",   "retrieval", "systems",  "with",    "numbers"};
    std::mt19937_64 rng(5);
    rerank::request req;
    req.query = "what limits apply to a rerank request and how are they counted";
    req.instruct = "Given a web search query, retrieve relevant passages that answer the query.";
    req.documents.reserve(n);
    for (std::size_t i = 0; i != n; ++i) {
        const std::size_t size = bytes - 64 + rng() % 128;
        std::string s;
        s.reserve(size + 16);
        while (s.size() < size) {
            s += words[rng() % std::size(words)];
            s += ' ';
        }
        req.documents.push_back(std::move(s));
    }
    return req;
}

// The fake counter of the tests: exact = bytes / 4, bound = bytes, both O(1), so the figure
// is the planner's own cost (the real tokenizer's cost comes on top, per byte counted).
rerank::token_counter fake_counter() {
    rerank::token_counter c;
    c.exact = [](std::string_view s) { return (s.size() + 3) / 4; };
    c.upper_bound = [](std::string_view s) { return s.size(); };
    return c;
}

void plan(benchmark::State& state, const rerank::limits& lim,
          const rerank::token_counter& counter = fake_counter()) {
    const rerank::request req = passages(static_cast<std::size_t>(state.range(0)), 1024);
    rerank::batch_plan out;
    rerank::diagnostics diag;
    for (auto _ : state) {
        const rerank::error_code ec = rerank::plan_batches(req, lim, counter, out, diag);
        benchmark::DoNotOptimize(ec);
        benchmark::DoNotOptimize(out.batches.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.counters["batches"] = static_cast<double>(out.batches.size());
    state.counters["ns_per_doc"] = benchmark::Counter(
        static_cast<double>(state.iterations() * state.range(0)),
        benchmark::Counter::kIsRate | benchmark::Counter::kInvert, benchmark::Counter::kIs1000);
}

void plan_qwen3(benchmark::State& state) {
    plan(state, rerank::limits{});
}

// A 64 KiB body limit makes the body measure bind, so every passage is scanned for escapes.
void plan_small_bodies(benchmark::State& state) {
    rerank::limits lim;
    lim.max_body_bytes = 64 << 10;
    plan(state, lim);
}

// A call that fits one request by upper bounds: no exact counts at all.
void plan_single_request(benchmark::State& state) {
    plan(state, rerank::limits{});
}

// The same with the real Qwen3 counter: the tokenizer's cost per document counted exactly.
void plan_qwen3_tokenizer(benchmark::State& state) {
    plan(state, rerank::limits{}, rerank::qwen3_token_counter());
}

void merge_top(benchmark::State& state) {
    const std::size_t n = 20000;
    const auto top_n = static_cast<std::size_t>(state.range(0));
    const rerank::request req = passages(n, 64);
    std::mt19937_64 rng(9);
    std::vector<rerank::batching::sub_response> parts;
    for (std::size_t first = 0; first < n; first += 100) {
        rerank::batching::sub_response p;
        p.range = {first, 100};
        p.request_id = "id";
        for (std::size_t i = 0; i != 100; ++i)
            p.results.push_back({i, static_cast<double>(rng() % 100000) / 100000.0});
        parts.push_back(std::move(p));
    }
    rerank::response out;
    rerank::diagnostics diag;
    for (auto _ : state) {
        state.PauseTiming();
        std::vector<rerank::batching::sub_response> copy = parts;
        state.ResumeTiming();
        benchmark::DoNotOptimize(
            rerank::batching::merge_responses(req, std::move(copy), top_n, out, diag));
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

} // namespace

BENCHMARK(plan_qwen3)->Arg(20000)->Unit(benchmark::kMicrosecond);
BENCHMARK(plan_small_bodies)->Arg(20000)->Unit(benchmark::kMicrosecond);
BENCHMARK(plan_single_request)->Arg(100)->Unit(benchmark::kMicrosecond);
BENCHMARK(plan_qwen3_tokenizer)->Arg(20000)->Unit(benchmark::kMillisecond);
BENCHMARK(merge_top)->Arg(10)->Arg(20000)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
