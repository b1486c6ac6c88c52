// Cutting a text to a number of tokens, at a UTF-8 character boundary.
#pragma once

#include <rerank/batch_plan.hpp>

#include <cstddef>
#include <string_view>

namespace rerank::batching {

/// Bytes of a prefix of `text` with at most `max_tokens` tokens, at a character boundary.
/// Precondition: `text` itself has more than `max_tokens` tokens (the caller counted it). Uses
/// `counter.prefix_bytes` when set (clamped to a boundary, in case; a clamped prefix over
/// `max_tokens` falls back to the search), otherwise binary search over
/// prefix lengths with `counter.exact`. The search keeps "the prefix at `lo` fits", so its answer
/// fits even though a BPE count need not grow with every byte; it is then the longest fitting
/// prefix whenever counts do grow with length.
std::size_t token_prefix_bytes(std::string_view text, std::size_t max_tokens,
                               const token_counter& counter);

} // namespace rerank::batching
