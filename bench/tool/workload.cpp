#include "workload.hpp"

#include <array>
#include <cmath>
#include <string_view>

namespace rerank::bench {

namespace {

constexpr std::array<std::string_view, 48> vocabulary{
    "search",    "ranking", "query",   "document", "relevance", "model",     "vector",
    "index",     "passage", "answer",  "question", "semantic",  "retrieval", "score",
    "cluster",   "latency", "the",     "of",       "and",       "a",         "to",
    "in",        "is",      "for",     "server",   "client",    "request",   "response",
    "token",     "batch",   "cache",   "shard",    "language",  "neural",    "network",
    "embedding", "dense",   "sparse",  "lexical",  "hybrid",    "keyword",   "context",
    "window",    "cross",   "encoder", "reranker", "recall",    "precision"};

// The text repeating_workload's documents are cut from.
constexpr std::size_t corpus_bytes = 64 * 1024;

// splitmix64: tiny, fast, and the same everywhere, so runs are comparable across machines.
std::uint64_t next(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

} // namespace

std::string pseudo_text(std::size_t bytes, std::uint64_t seed) {
    std::string text;
    text.reserve(bytes + 16);
    std::uint64_t state = seed;
    while (text.size() < bytes) {
        if (!text.empty())
            text += ' ';
        text += vocabulary[next(state) % vocabulary.size()];
    }
    text.resize(bytes);
    // A cut that ends on the separator would leave a trailing space; end on a letter instead.
    if (!text.empty() && text.back() == ' ')
        text.back() = 'x';
    return text;
}

repeating_workload::repeating_workload(std::size_t documents, std::size_t doc_bytes,
                                       std::size_t query_bytes, std::optional<std::size_t> top_n,
                                       double fraction, std::uint64_t seed)
    : documents_(documents)
    , doc_bytes_(doc_bytes)
    , query_(pseudo_text(query_bytes, 0x5eed))
    , corpus_(pseudo_text(corpus_bytes + doc_bytes, seed))
    , top_n_(top_n)
    , repeats_(static_cast<std::size_t>(std::llround(fraction * static_cast<double>(documents))))
    , seed_(seed) {}

void repeating_workload::text_of(std::uint64_t d, std::string& out) const {
    out = std::to_string(d);
    out += ' ';
    std::uint64_t state = seed_ ^ (d * 0xD1B54A32D192ED03ull);
    const std::size_t offset = next(state) % corpus_bytes;
    if (out.size() < doc_bytes_)
        out.append(corpus_, offset, doc_bytes_ - out.size());
}

void repeating_workload::fill(std::uint64_t k, rerank::request& out) const {
    out.query = query_;
    out.top_n = top_n_;
    out.documents.resize(documents_);
    const std::size_t fresh = documents_ - repeats_;
    if (k == 0) {
        for (std::size_t i = 0; i != documents_; ++i)
            text_of(i, out.documents[i]);
        return;
    }
    // Documents 0 .. first_new-1 were sent by calls 0 .. k-1.
    const std::uint64_t first_new = documents_ + (k - 1) * fresh;
    std::uint64_t state = seed_ + k * 0x9E3779B97F4A7C15ull;
    for (std::size_t i = 0; i != repeats_; ++i)
        text_of(next(state) % first_new, out.documents[i]);
    for (std::size_t i = 0; i != fresh; ++i)
        text_of(first_new + i, out.documents[repeats_ + i]);
}

rerank::request make_request(std::size_t documents, std::size_t doc_bytes, std::size_t query_bytes,
                             std::optional<std::size_t> top_n) {
    rerank::request req;
    req.query = pseudo_text(query_bytes, 0x5eed);
    req.documents.reserve(documents);
    for (std::size_t i = 0; i < documents; ++i)
        req.documents.push_back(pseudo_text(doc_bytes, i + 1));
    req.top_n = top_n;
    return req;
}

} // namespace rerank::bench
