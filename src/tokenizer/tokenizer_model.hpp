// Everything a tokenizer instance holds, immutable once built and shared by its copies.
#pragma once

#include "tokenizer/added_tokens.hpp"
#include "tokenizer/bpe.hpp"
#include "tokenizer/vocabulary.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace rerank::tokenizer_detail {

struct tokenizer_model {
    /// Builds the model; throws std::runtime_error when a single-byte token is missing or the
    /// ids do not fit.
    explicit tokenizer_model(vocabulary v);

    std::uint32_t uid; // distinguishes models in per-thread caches
    bool nfc;          // normalise with NFC between added tokens
    merge_table merges;
    added_token_matcher added;
    std::string token_bytes; // for decode
    std::vector<std::uint32_t> token_offsets;
    std::unordered_map<std::uint32_t, std::string> added_by_id;

    std::size_t vocab_size() const noexcept {
        return token_offsets.size() - 1 + added_by_id.size();
    }
    /// Bytes of a token id, or false when the id is unknown.
    bool token(std::uint32_t id, std::string_view& out) const noexcept;
};

} // namespace rerank::tokenizer_detail
