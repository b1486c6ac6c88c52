// What the codec costs per request: encoding request bodies, decoding response bodies (against a
// Boost.JSON DOM parse of the same bytes, the straightforward alternative), UTF-8 validation.
//   bench_codec --benchmark_filter=decode
// Bodies: N documents of 500 bytes (the "large" case of bench-notes.md is 100 documents);
// compare CPU time, the machines are shared.
#include "codec/decode.hpp"
#include "codec/encode.hpp"
#include "codec/validate.hpp"
#include "text/utf8.hpp"
#include "text/utf8_simd.hpp"

#include <boost/json.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace {

using rerank::dialect;
namespace rd = rerank::detail;

constexpr std::size_t document_bytes = 500;

// What the documents look like. Boost.JSON 1.81 is slow on the last two (see decode.cpp).
enum class text { plain, quoted, cjk };

// ASCII prose. `quoted`: a quoted word every dozen words and a newline every 40, so about 16
// escapes per 500-byte document, more than most real text.
std::string make_document(std::mt19937& rng, std::size_t bytes, text style) {
    static constexpr std::string_view words[] = {"the",       "rerank",  "model",   "scores",
                                                 "each",      "passage", "against", "query",
                                                 "relevance", "of",      "all",     "documents."};
    static constexpr std::string_view cjk[] = {"重", "排", "序", "模", "型", "文", "档", "查"};
    std::string doc;
    if (style == text::cjk) {
        while (doc.size() + 3 <= bytes)
            doc += cjk[rng() % std::size(cjk)];
        return doc;
    }
    while (doc.size() < bytes) {
        const auto word = words[rng() % std::size(words)];
        const bool quote = style == text::quoted && rng() % 12 == 0;
        if (quote)
            doc += '"';
        doc += word;
        if (quote)
            doc += '"';
        doc += style == text::quoted && rng() % 40 == 0 ? '\n' : ' ';
    }
    doc.resize(bytes);
    return doc;
}

std::vector<std::string> make_documents(std::size_t n, text style = text::quoted) {
    std::mt19937 rng(42);
    std::vector<std::string> docs;
    for (std::size_t i = 0; i != n; ++i)
        docs.push_back(make_document(rng, document_bytes, style));
    return docs;
}

// A 200 answer in dialect `d`: echoing every document as DashScope's compatible API does
// (always) and as Jina-style servers do when asked (`echo`); the other dialects' answers to the
// client's requests carry no text (it asks for none: return_documents / return_text false).
std::string make_response(dialect d, const std::vector<std::string>& docs, bool echo = true) {
    const char* score_key = d == dialect::tei   ? "score"
                            : d == dialect::nim ? "logit"
                                                : "relevance_score";
    echo =
        echo && (d == dialect::dashscope || d == dialect::dashscope_native || d == dialect::jina);
    boost::json::array results;
    for (std::size_t i = 0; i != docs.size(); ++i) {
        const std::size_t index = (i * 7919) % docs.size(); // some permutation-like order
        boost::json::object r{{"index", index}, {score_key, 1.0 / static_cast<double>(i + 2)}};
        if (echo)
            r["document"] = {{"text", docs[index]}};
        results.push_back(std::move(r));
    }
    boost::json::object body;
    switch (d) {
    case dialect::cohere:
        return boost::json::serialize(boost::json::object{
            {"id", "5a1b0e8c-7c6f-9d2e-a3b4-0123456789ab"},
            {"results", results},
            {"meta",
             {{"api_version", {{"version", "2"}}}, {"billed_units", {{"search_units", 1}}}}}});
    case dialect::jina:
        return boost::json::serialize(
            boost::json::object{{"id", "rerank-5a1b0e8c"},
                                {"model", "BAAI/bge-reranker-v2-m3"},
                                {"usage", {{"prompt_tokens", 14000}, {"total_tokens", 14000}}},
                                {"results", results}});
    case dialect::voyage:
        return boost::json::serialize(boost::json::object{{"object", "list"},
                                                          {"data", results},
                                                          {"model", "rerank-2.5"},
                                                          {"usage", {{"total_tokens", 14000}}}});
    case dialect::tei:
        return boost::json::serialize(results);
    case dialect::nim:
        return boost::json::serialize(boost::json::object{{"rankings", results}});
    default:
        break;
    }
    if (d == dialect::dashscope) {
        body = {{"id", "5a1b0e8c-7c6f-9d2e-a3b4-0123456789ab"},
                {"object", "list"},
                {"model", "qwen3-rerank"},
                {"results", results},
                {"usage", {{"total_tokens", 14000}}}};
    } else {
        body = {{"output", {{"results", results}}},
                {"usage", {{"total_tokens", 14000}}},
                {"request_id", "5a1b0e8c-7c6f-9d2e-a3b4-0123456789ab"}};
    }
    return boost::json::serialize(body);
}

void set_counters(benchmark::State& state, std::size_t bytes, std::size_t docs) {
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
    state.counters["time/doc"] = benchmark::Counter(static_cast<double>(docs),
                                                    benchmark::Counter::kIsIterationInvariantRate |
                                                        benchmark::Counter::kInvert);
    state.counters["body_bytes"] = static_cast<double>(bytes);
}

void BM_encode(benchmark::State& state, dialect d) {
    const auto docs = make_documents(static_cast<std::size_t>(state.range(0)));
    rd::wire_request req{"qwen3-rerank",
                         "what does a reranker do?",
                         docs,
                         10,
                         std::string_view("Given a web search query, retrieve relevant passages."),
                         std::nullopt};
    std::string body;
    for (auto _ : state) {
        rd::encode_request(d, req, body);
        benchmark::DoNotOptimize(body.data());
    }
    set_counters(state, body.size(), docs.size());
}
BENCHMARK_CAPTURE(BM_encode, compatible, dialect::dashscope)->Arg(10)->Arg(100)->Arg(500);
BENCHMARK_CAPTURE(BM_encode, native, dialect::dashscope_native)->Arg(10)->Arg(100)->Arg(500);
BENCHMARK_CAPTURE(BM_encode, nim, dialect::nim)->Arg(100);

void BM_encoded_size(benchmark::State& state) {
    const auto docs = make_documents(static_cast<std::size_t>(state.range(0)));
    rd::wire_request req{"qwen3-rerank", "what does a reranker do?", docs, {}, {}, {}};
    std::size_t size = 0;
    for (auto _ : state)
        benchmark::DoNotOptimize(size = rd::encoded_size(dialect::dashscope, req));
    set_counters(state, size, docs.size());
}
BENCHMARK(BM_encoded_size)->Arg(100)->Arg(500);

void BM_decode(benchmark::State& state, dialect d, text style, bool echo = true) {
    const auto docs = make_documents(static_cast<std::size_t>(state.range(0)), style);
    const std::string body = make_response(d, docs, echo);
    rd::response_decoder decoder;
    rd::decoded_response out;
    rerank::diagnostics diag;
    for (auto _ : state) {
        const auto ec = decoder.decode(d, body, docs.size(), std::nullopt, out, diag);
        if (ec) {
            state.SkipWithError(diag.client_message.c_str());
            break;
        }
        benchmark::DoNotOptimize(out.results.data());
    }
    set_counters(state, body.size(), docs.size());
}
BENCHMARK_CAPTURE(BM_decode, compatible_quoted, dialect::dashscope, text::quoted)
    ->Arg(10)
    ->Arg(100)
    ->Arg(500);
BENCHMARK_CAPTURE(BM_decode, native_quoted, dialect::dashscope_native, text::quoted)
    ->Arg(10)
    ->Arg(100)
    ->Arg(500);
BENCHMARK_CAPTURE(BM_decode, compatible_plain, dialect::dashscope, text::plain)->Arg(100);
// Every other dialect for 100 results, as answered to the client's requests (no echo), and
// Jina-style with the echo too, for comparison with DashScope's compatible answers.
BENCHMARK_CAPTURE(BM_decode, cohere, dialect::cohere, text::quoted, false)->Arg(100);
BENCHMARK_CAPTURE(BM_decode, jina, dialect::jina, text::quoted, false)->Arg(100);
BENCHMARK_CAPTURE(BM_decode, jina_echo_quoted, dialect::jina, text::quoted, true)->Arg(100);
BENCHMARK_CAPTURE(BM_decode, voyage, dialect::voyage, text::quoted, false)->Arg(100);
BENCHMARK_CAPTURE(BM_decode, tei, dialect::tei, text::quoted, false)->Arg(100);
BENCHMARK_CAPTURE(BM_decode, nim, dialect::nim, text::quoted, false)->Arg(100);
BENCHMARK_CAPTURE(BM_decode, compatible_no_echo, dialect::dashscope, text::quoted, false)->Arg(100);
BENCHMARK_CAPTURE(BM_decode, compatible_cjk, dialect::dashscope, text::cjk)->Arg(100);

// The baseline of bench-notes.md: json::parse into a DOM (reusing its memory) and a walk.
void BM_decode_dom_baseline(benchmark::State& state, text style) {
    const auto docs = make_documents(static_cast<std::size_t>(state.range(0)), style);
    const std::string body = make_response(dialect::dashscope, docs);
    boost::json::parser parser;
    std::vector<rd::wire_result> results;
    for (auto _ : state) {
        parser.reset();
        parser.write(body);
        const boost::json::value v = parser.release();
        results.clear();
        for (const auto& r : v.at("results").as_array())
            results.push_back({static_cast<std::size_t>(r.at("index").as_int64()),
                               r.at("relevance_score").to_number<double>()});
        benchmark::DoNotOptimize(results.data());
    }
    set_counters(state, body.size(), docs.size());
}
BENCHMARK_CAPTURE(BM_decode_dom_baseline, quoted, text::quoted)->Arg(10)->Arg(100)->Arg(500);
BENCHMARK_CAPTURE(BM_decode_dom_baseline, plain, text::plain)->Arg(100);
BENCHMARK_CAPTURE(BM_decode_dom_baseline, cjk, text::cjk)->Arg(100);

void BM_validate_request(benchmark::State& state, text style) {
    rerank::request req;
    req.query = "what does a reranker do?";
    req.documents = make_documents(static_cast<std::size_t>(state.range(0)), style);
    std::size_t bytes = 0;
    for (const auto& doc : req.documents)
        bytes += doc.size();
    rerank::diagnostics diag;
    for (auto _ : state)
        benchmark::DoNotOptimize(rd::validate_request(req, diag));
    set_counters(state, bytes, req.documents.size());
}
BENCHMARK_CAPTURE(BM_validate_request, ascii, text::quoted)->Arg(100);
BENCHMARK_CAPTURE(BM_validate_request, cjk, text::cjk)->Arg(100);

// The scalar validator alone, for comparison with the vectorised one validate_request uses.
void BM_utf8_scalar(benchmark::State& state, text style) {
    std::string all;
    for (const auto& doc : make_documents(100, style))
        all += doc;
    for (auto _ : state)
        benchmark::DoNotOptimize(rerank::utf8::find_invalid_scalar(all));
    set_counters(state, all.size(), 100);
}
BENCHMARK_CAPTURE(BM_utf8_scalar, ascii, text::quoted);
BENCHMARK_CAPTURE(BM_utf8_scalar, cjk, text::cjk);

} // namespace

BENCHMARK_MAIN();
