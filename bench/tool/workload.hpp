// The request rerank-bench sends: built once, reused by every call.
#pragma once

#include <rerank/request.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace rerank::bench {

/// `bytes` bytes of deterministic pseudo-text: lowercase words from a fixed vocabulary,
/// separated by single spaces, chosen by a PRNG seeded with `seed`. Plain ASCII, so it needs no
/// JSON escaping and every byte counts as one byte of the body.
std::string pseudo_text(std::size_t bytes, std::uint64_t seed);

/// A request with a `query_bytes` query and `documents` documents of `doc_bytes` each (their
/// words overlap the query's, so a scoring server finds something to rank), and `top_n`.
rerank::request make_request(std::size_t documents, std::size_t doc_bytes, std::size_t query_bytes,
                             std::optional<std::size_t> top_n);

/// Requests made anew for each call, a fraction of whose documents repeat documents of earlier
/// calls (`--repeat-fraction`): what a score cache saves on. Deterministic: call k's request
/// depends only on k, the shape and the seed, whichever thread makes it.
///
/// Documents are numbered; document d's text is its number, a space, and a slice of a 64 KiB
/// `pseudo_text` starting at an offset picked by d and the seed, `doc_bytes` in all: distinct
/// for distinct d, and cheap to make (a copy, not word-by-word generation, which would weigh
/// more than the client in the CPU figures). Call 0 sends documents 0..n-1. Call k >= 1 sends r =
/// round(fraction × n) repeats, each drawn uniformly from the documents of calls 0..k-1, then n - r
/// documents never sent before (numbered after those of call k-1).
class repeating_workload {
public:
    repeating_workload(std::size_t documents, std::size_t doc_bytes, std::size_t query_bytes,
                       std::optional<std::size_t> top_n, double fraction, std::uint64_t seed);

    /// Makes call `k`'s request in `out` (its strings' capacity reused).
    void fill(std::uint64_t k, rerank::request& out) const;
    /// Documents repeated per call from call 1 on.
    std::size_t repeats_per_call() const noexcept { return repeats_; }

private:
    /// Replaces `out` with document `d`'s text (its capacity reused).
    void text_of(std::uint64_t d, std::string& out) const;

    std::size_t documents_;
    std::size_t doc_bytes_;
    std::string query_;
    std::string corpus_;
    std::optional<std::size_t> top_n_;
    std::size_t repeats_;
    std::uint64_t seed_;
};

} // namespace rerank::bench
