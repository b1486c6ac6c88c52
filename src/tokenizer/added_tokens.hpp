// The added (special) tokens: literal strings found in the raw text before normalisation,
// leftmost-longest, as Hugging Face tokenizers' AddedVocabulary does for tokens with
// "normalized": false. Each one is a single token.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rerank::tokenizer_detail {

class added_token_matcher {
public:
    struct match {
        std::size_t begin, end;
        std::uint32_t id;
    };

    /// Registers a literal (non-empty); a later duplicate of the same content is ignored.
    void add(std::string_view content, std::uint32_t id);

    /// The leftmost-longest match in `text` starting at or after `from`, if any.
    bool find(std::string_view text, std::size_t from, match& out) const noexcept;

    bool empty() const noexcept { return tokens_.empty(); }

private:
    struct token {
        std::string content;
        std::uint32_t id;
    };
    std::vector<token> tokens_;          // longest first
    std::array<bool, 256> first_byte_{}; // bytes that start some literal
    int single_first_byte_ = -1;         // the only first byte, or -1 when several
};

} // namespace rerank::tokenizer_detail
