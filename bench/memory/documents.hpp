// The benchmark's input: many English-like documents of about the same size.
#pragma once

#include <rerank/request.hpp>

#include <cstddef>

namespace rerank::bench {

/// A request of `n` documents of `bytes` to `bytes` + ~12 bytes each (every document distinct),
/// built from pseudo-words of one to three syllables (some 30,000 different words, so the
/// tokenizer sees a realistic variety of pieces), commas, full stops and numbers. Deterministic.
/// `documents` is reserved up front: generating it allocates the input once, nothing more.
rerank::request english_like_request(std::size_t n, std::size_t bytes);

} // namespace rerank::bench
