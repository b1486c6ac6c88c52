// Static Qwen3 tables of the token-count estimator (generated/qwen3_estimate_tables.cpp, made by
// scripts/pack-qwen3-vocab.py): the byte-pair merges and the added-token literals, nothing else
// of the vocabulary.
#pragma once

#include <cstdint>

namespace rerank::tokenizer_detail::qwen3 {

/// Bit (a * 256 + b) is set when the two single-byte tokens a, b have a merge.
extern const std::uint64_t byte_pair_merges[1024];

inline bool byte_pair_merges_exist(unsigned a, unsigned b) noexcept {
    const unsigned k = a * 256 + b;
    return (byte_pair_merges[k >> 6] >> (k & 63)) & 1;
}

struct added_token_literal {
    const char* content;
    std::uint32_t id;
};
inline constexpr unsigned added_token_count = 26;
extern const added_token_literal added_tokens[added_token_count];

} // namespace rerank::tokenizer_detail::qwen3
