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

} // namespace rerank::bench
