// The planner's counter for models whose tokenizer the library does not have: UTF-8 bytes.
//
// Claim: for the tokenizers rerank models use, tokens(text) <= bytes(text).
// Proof: a tokenizer splits the (pre-tokenised) text into pieces and each piece into tokens.
//  - Byte-level BPE (GPT-2 style, Qwen, Llama 3, ...): tokens are merges of the text's bytes;
//    each token stands for >= 1 byte and the tokens of a piece concatenate to its bytes, so a
//    piece of b bytes gives at most b tokens.
//  - SentencePiece / Unigram (XLM-R, bge-m3, mT5...): each token is a vocabulary piece of >= 1
//    character, or with byte fallback one byte of an unknown character; a character has >= 1
//    byte, so again at most one token per byte. An unknown character without byte fallback is
//    one <unk> token for >= 1 byte.
//  - WordPiece (BERT family): each word becomes subwords of >= 1 character, or one [UNK] for
//    the whole word; at most one token per character, so per byte.
//  - Character-level: one token per character <= bytes.
// Summing over pieces, tokens <= bytes. What the count does not cover, stated rather than
// hidden: normalisation that lengthens text before tokenising (NFKC of a few compatibility
// characters, such as U+FDFA, expands them; NFC at most triples UTF-8 and Qwen3's own counter
// handles it) and the few special tokens a server adds around each (query, document) pair.
// Both are small against real text; the request's safety margin (`limits::safety_margin`) and
// the batcher's halving on a server's "too large" answer cover them.
#include <rerank/batch_plan.hpp>

namespace rerank {

namespace {

std::size_t utf8_bytes(std::string_view text) noexcept {
    return text.size();
}

// The longest prefix of at most `max_tokens` bytes that ends at a character boundary.
std::size_t byte_prefix(std::string_view text, std::size_t max_tokens) noexcept {
    if (text.size() <= max_tokens)
        return text.size();
    std::size_t n = max_tokens;
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80)
        --n; // text[n] continues a character that started before it
    return n;
}

} // namespace

token_counter utf8_byte_token_counter() {
    token_counter c;
    c.exact = utf8_bytes;
    c.upper_bound = utf8_bytes;
    c.quick_bound = utf8_bytes;
    c.prefix_bytes = byte_prefix;
    return c;
}

} // namespace rerank
