// Cost of planning and merging large calls.
//
//   bench_batch --benchmark_filter=plan_fake       the planner's own cost (O(1) fake counter)
//   bench_batch --benchmark_filter=plan_qwen3      the realistic cost: the real Qwen3 counter
//   bench_batch --benchmark_filter=/1000000        planning 1,000,000 documents (~1 GB of text)
//
// Counters: ns_per_doc (CPU time per document planned), batches (sub-requests planned),
// bytes_per_second (text planned). "Time" is the time of one whole plan.
//
// Documents are ~1 KB (960 to 1,088 bytes) windows of the tokenizer test corpus
// (test/data/tokenizer/corpus.jsonl), cut at random offsets:
//   english  its English prose (1.3 MB), cut at spaces;
//   mixed    its natural-language texts of every script (English, Chinese, Japanese, Korean,
//            Arabic, Russian, accented Latin and others, mixed-script lines; 3.2 MB), cut at
//            UTF-8 character boundaries.
// A set is generated once, outside the timed loop, and kept for the benchmarks that use the
// same set; only one set is alive at a time (1,000,000 documents take about 1.1 GB).
#include "batch/merge.hpp"

#include <rerank/batch_plan.hpp>
#include <rerank/qwen3_tokenizer.hpp>

#include <benchmark/benchmark.h>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <array>
#include <fstream>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>

namespace {

enum class text_kind { english, mixed };

// The corpus texts of one kind, concatenated (a blank line between texts).
std::string corpus_text(text_kind kind) {
    static constexpr std::array mixed_categories = {
        "en_prose", "zh", "ja", "ko", "ar", "ru", "latin_acc_other_scripts", "mixed"};
    std::ifstream in(RERANK_TOKENIZER_CORPUS, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " RERANK_TOKENIZER_CORPUS);
    std::string out;
    for (std::string line; std::getline(in, line);) {
        if (line.empty())
            continue;
        const auto o = boost::json::parse(line).as_object();
        const std::string_view cat = o.at("cat").as_string();
        const bool wanted = kind == text_kind::english
                                ? cat == "en_prose"
                                : std::find(mixed_categories.begin(), mixed_categories.end(),
                                            cat) != mixed_categories.end();
        if (wanted) {
            out.append(o.at("text").as_string());
            out.append("\n\n");
        }
    }
    return out;
}

bool is_continuation(char c) {
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// The first position at or after `pos` where a document may start or end: a space for English
// (whole words), a character boundary otherwise.
std::size_t boundary(const std::string& text, std::size_t pos, text_kind kind) {
    while (pos < text.size() &&
           (kind == text_kind::english ? text[pos] != ' ' : is_continuation(text[pos])))
        ++pos;
    return pos;
}

rerank::request make_documents(text_kind kind, std::size_t n) {
    const std::string text = corpus_text(kind);
    constexpr std::size_t min_bytes = 960, spread = 128;
    std::mt19937_64 rng(5);
    rerank::request req;
    req.query = "what limits apply to a rerank request and how are they counted";
    req.instruct = "Given a web search query, retrieve relevant passages that answer the query.";
    req.documents.reserve(n);
    while (req.documents.size() != n) {
        const std::size_t first = boundary(text, rng() % (text.size() - 2 * min_bytes), kind);
        const std::size_t last = boundary(text, first + min_bytes + rng() % spread, kind);
        req.documents.emplace_back(text, first, last - first);
    }
    return req;
}

// One document set at a time: asking for another frees the current one first.
const rerank::request& documents(text_kind kind, std::size_t n) {
    static std::optional<std::pair<text_kind, std::size_t>> current;
    static rerank::request req;
    if (current != std::pair{kind, n}) {
        req = {};
        current.reset();
        req = make_documents(kind, n);
        current = {kind, n};
    }
    return req;
}

std::size_t total_bytes(const rerank::request& req) {
    std::size_t bytes = 0;
    for (const auto& d : req.documents)
        bytes += d.size();
    return bytes;
}

// The fake counter of the tests: exact = bytes / 4, bound = bytes, both O(1), so the figure
// is the planner's own cost (the real tokenizer's cost comes on top, per byte counted).
rerank::token_counter fake_counter() {
    rerank::token_counter c;
    c.exact = [](std::string_view s) { return (s.size() + 3) / 4; };
    c.upper_bound = [](std::string_view s) { return s.size(); };
    return c;
}

void plan(benchmark::State& state, text_kind kind, const rerank::limits& lim,
          const rerank::token_counter& counter) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const rerank::request& req = documents(kind, n);
    // The vocabulary loads on the first exact count: not part of any plan.
    benchmark::DoNotOptimize(rerank::qwen3_tokenizer::builtin().count("warm up"));
    rerank::batch_plan out;
    rerank::diagnostics diag;
    for (auto _ : state) {
        const rerank::error_code ec = rerank::plan_batches(req, lim, counter, out, diag);
        if (ec) {
            state.SkipWithError(diag.to_string().c_str());
            break;
        }
        benchmark::DoNotOptimize(out.batches.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(total_bytes(req)));
    state.counters["batches"] = static_cast<double>(out.batches.size());
    state.counters["ns_per_doc"] = benchmark::Counter(
        static_cast<double>(state.iterations() * state.range(0)),
        benchmark::Counter::kIsRate | benchmark::Counter::kInvert, benchmark::Counter::kIs1000);
}

// The planner's own cost: default qwen3-rerank limits, the O(1) counter.
void plan_fake(benchmark::State& state) {
    plan(state, text_kind::english, rerank::limits{}, fake_counter());
}

// A 64 KiB body limit makes the body measure bind, so every passage is scanned for escapes.
void plan_fake_small_bodies(benchmark::State& state) {
    rerank::limits lim;
    lim.max_body_bytes = 64 << 10;
    plan(state, text_kind::english, lim, fake_counter());
}

// A call that fits one request by upper bounds: no exact counts at all.
void plan_fake_single_request(benchmark::State& state) {
    plan(state, text_kind::english, rerank::limits{}, fake_counter());
}

// The realistic figure: the real Qwen3 counter (upper bound first, exact counts where the
// bound cannot decide, which with ~250-token documents under a 117,600-token budget is almost
// every document).
void plan_qwen3_english(benchmark::State& state) {
    plan(state, text_kind::english, rerank::limits{}, rerank::qwen3_token_counter());
}

void plan_qwen3_mixed(benchmark::State& state) {
    plan(state, text_kind::mixed, rerank::limits{}, rerank::qwen3_token_counter());
}

void merge_top(benchmark::State& state) {
    const std::size_t n = 20000;
    const auto top_n = static_cast<std::size_t>(state.range(0));
    rerank::request req;
    req.query = "q";
    req.documents.assign(n, "d");
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

// Grouped by document set, so that each set is generated once.
BENCHMARK(plan_fake_single_request)->Arg(80)->Unit(benchmark::kMicrosecond);
BENCHMARK(plan_fake)->Arg(20000)->Unit(benchmark::kMicrosecond);
BENCHMARK(plan_fake_small_bodies)->Arg(20000)->Unit(benchmark::kMicrosecond);
BENCHMARK(plan_qwen3_english)->Arg(20000)->Unit(benchmark::kMillisecond);
BENCHMARK(plan_fake)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(plan_qwen3_english)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(plan_qwen3_mixed)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(merge_top)->Arg(10)->Arg(20000)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
