// Tokenizer throughput on one core. The corpus is test/data/tokenizer/corpus.jsonl (2,005 texts,
// 4.6 MB of mixed scripts, code, numbers, emoji, whitespace and repeated text).
//   count/warm   count() with the per-thread piece cache (the normal case)
//   count/cold   count() with the cache switched off: every piece goes through BPE
//   upper_bound  qwen3_token_upper_bound(), with its tightness (bound/exact: summed bound over
//                summed exact count)
// The english and chinese variants use the corpus's "en_prose" (1.3 MB) and "zh" (0.4 MB) texts.
// Targets: count >= 20 MB/s, upper_bound in the hundreds of MB/s.
#include <rerank/qwen3_tokenizer.hpp>
#include <rerank/token_estimate.hpp>

#include "tokenizer/embedded_vocab.hpp"
#include "tokenizer/piece_cache.hpp"
#include "tokenizer/tokenizer_model.hpp"

#include <benchmark/benchmark.h>
#include <boost/json.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using rerank::qwen3_tokenizer;
namespace td = rerank::tokenizer_detail;

struct corpus {
    std::vector<std::string> texts, english, chinese;
    std::size_t bytes = 0, english_bytes = 0, chinese_bytes = 0;
};

const corpus& the_corpus() {
    static const corpus c = [] {
        corpus out;
        std::ifstream in(RERANK_TOKENIZER_CORPUS, std::ios::binary);
        for (std::string line; std::getline(in, line);) {
            if (line.empty())
                continue;
            const auto o = boost::json::parse(line).as_object();
            std::string text(o.at("text").as_string());
            out.bytes += text.size();
            if (o.at("cat").as_string() == "en_prose") {
                out.english_bytes += text.size();
                out.english.push_back(text);
            }
            if (o.at("cat").as_string() == "zh") {
                out.chinese_bytes += text.size();
                out.chinese.push_back(text);
            }
            out.texts.push_back(std::move(text));
        }
        return out;
    }();
    return c;
}

void count_texts(benchmark::State& state, const std::vector<std::string>& texts, std::size_t bytes,
                 bool cache) {
    const qwen3_tokenizer& tok = qwen3_tokenizer::builtin();
    td::piece_count_cache::enable_for_this_thread(cache);
    std::size_t tokens = 0;
    for (auto _ : state)
        for (const auto& t : texts)
            tokens += tok.count(t);
    td::piece_count_cache::enable_for_this_thread(true);
    benchmark::DoNotOptimize(tokens);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}

void BM_count_corpus_warm(benchmark::State& state) {
    count_texts(state, the_corpus().texts, the_corpus().bytes, true);
}
void BM_count_corpus_cold(benchmark::State& state) {
    count_texts(state, the_corpus().texts, the_corpus().bytes, false);
}
void BM_count_english_warm(benchmark::State& state) {
    count_texts(state, the_corpus().english, the_corpus().english_bytes, true);
}
void BM_count_english_cold(benchmark::State& state) {
    count_texts(state, the_corpus().english, the_corpus().english_bytes, false);
}

void BM_count_chinese_warm(benchmark::State& state) {
    count_texts(state, the_corpus().chinese, the_corpus().chinese_bytes, true);
}

void BM_encode_corpus(benchmark::State& state) {
    const qwen3_tokenizer& tok = qwen3_tokenizer::builtin();
    for (auto _ : state)
        for (const auto& t : the_corpus().texts)
            benchmark::DoNotOptimize(tok.encode(t));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * the_corpus().bytes));
}

std::size_t exact_count(const std::vector<std::string>& texts) {
    std::size_t n = 0;
    for (const auto& t : texts)
        n += qwen3_tokenizer::builtin().count(t);
    return n;
}

// The estimator over `texts`, in MB/s; the counter bound/exact is its tightness (the summed
// bound over the summed exact count; 1 would be exact, the byte count is about 3.2).
void upper_bound_texts(benchmark::State& state, const std::vector<std::string>& texts,
                       std::size_t bytes, std::size_t exact) {
    std::size_t bound = 0;
    for (auto _ : state) {
        bound = 0;
        for (const auto& t : texts)
            bound += rerank::qwen3_token_upper_bound(t);
        benchmark::DoNotOptimize(bound);
    }
    state.counters["bound/exact"] = double(bound) / double(exact);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}

void BM_upper_bound_corpus(benchmark::State& state) {
    static const std::size_t exact = exact_count(the_corpus().texts);
    upper_bound_texts(state, the_corpus().texts, the_corpus().bytes, exact);
}
void BM_upper_bound_english(benchmark::State& state) {
    static const std::size_t exact = exact_count(the_corpus().english);
    upper_bound_texts(state, the_corpus().english, the_corpus().english_bytes, exact);
}
void BM_upper_bound_chinese(benchmark::State& state) {
    static const std::size_t exact = exact_count(the_corpus().chinese);
    upper_bound_texts(state, the_corpus().chinese, the_corpus().chinese_bytes, exact);
}

// 100,000 identical characters: one piece of 100,000 symbols (the O(n log n) merge loop).
void BM_count_100k_identical(benchmark::State& state) {
    static const char* const chars[] = {"a", " ", "\xE4\xB8\xAD"};
    std::string text;
    for (int i = 0; i < 100000; ++i)
        text += chars[state.range(0)];
    const qwen3_tokenizer& tok = qwen3_tokenizer::builtin();
    for (auto _ : state)
        benchmark::DoNotOptimize(tok.count(text));
    state.SetLabel(state.range(0) == 0 ? "'a'" : state.range(0) == 1 ? "space" : "U+4E2D");
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

// The batcher's truncation: a 40,000-token document cut to 4,000 tokens.
void BM_prefix_bytes_4000(benchmark::State& state) {
    std::string doc;
    for (const auto& t : the_corpus().english) {
        doc += t;
        if (doc.size() > 200000)
            break;
    }
    const qwen3_tokenizer& tok = qwen3_tokenizer::builtin();
    for (auto _ : state)
        benchmark::DoNotOptimize(tok.prefix_bytes(doc, 4000));
}

// Loading the built-in vocabulary (what builtin() does once): inflate and build the tables.
void BM_load_builtin_vocabulary(benchmark::State& state) {
    for (auto _ : state)
        benchmark::DoNotOptimize(
            td::tokenizer_model(td::read_packed_vocabulary(td::embedded_qwen3_vocab())));
}

} // namespace

BENCHMARK(BM_count_corpus_warm)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_count_corpus_cold)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_count_english_warm)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_count_english_cold)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_count_chinese_warm)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_encode_corpus)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_upper_bound_corpus)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_upper_bound_english)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_upper_bound_chinese)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_count_100k_identical)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_prefix_bytes_4000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_load_builtin_vocabulary)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
