// A byte-level BPE vocabulary as the loaders produce it: token bytes by id, merges by rank, and
// the added tokens. Read from the library's packed form (packed_vocabulary.cpp) or from a
// Hugging Face tokenizer.json (tokenizer_json.cpp).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rerank::tokenizer_detail {

struct vocabulary {
    struct added_token {
        std::string content;
        std::uint32_t id;
        bool special;
    };

    std::string token_bytes;                  // all tokens' raw bytes, by id
    std::vector<std::uint32_t> token_offsets; // token i is [offsets[i], offsets[i + 1])
    std::vector<std::pair<std::uint32_t, std::uint32_t>> merges; // by rank
    std::vector<std::uint32_t> merged;                           // result id, by rank
    std::vector<added_token> added;
    bool nfc = true; // the normaliser is NFC (else none)

    std::size_t size() const noexcept {
        return token_offsets.empty() ? 0 : token_offsets.size() - 1;
    }
    std::string_view token(std::uint32_t id) const noexcept {
        return std::string_view(token_bytes)
            .substr(token_offsets[id], token_offsets[id + 1] - token_offsets[id]);
    }
};

/// Parses the packed form (see scripts/pack-qwen3-vocab.py). Throws std::runtime_error.
vocabulary read_packed_vocabulary(std::span<const unsigned char> file);

/// Parses a Hugging Face tokenizer.json of the Qwen2/Qwen3 family (byte-level BPE, NFC or no
/// normaliser, the Qwen split regex). Throws std::runtime_error naming what is unsupported.
vocabulary read_tokenizer_json(std::string_view json);

} // namespace rerank::tokenizer_detail
